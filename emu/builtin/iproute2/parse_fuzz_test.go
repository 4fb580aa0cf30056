package iproute2

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu/shell"
)

// The fuzz targets of the parsers, seeded from their tables. No input may
// panic; a parser fails only with an error in iproute2's words (an exit
// status of 1, 2 or 255 and a message), and gives the same answer twice.

// parseFunc is a parser under fuzzing: it parses words and returns the
// request.
type parseFunc func(a *args) (any, error)

func fuzzParsers(f *testing.F, seeds [][]parseCase, parsers ...parseFunc) {
	for _, cases := range seeds {
		for _, c := range cases {
			f.Add(c.in)
		}
	}
	f.Fuzz(func(t *testing.T, line string) {
		w := strings.Fields(line)
		for _, parse := range parsers {
			r1, err1 := parse(&args{a: w})
			r2, err2 := parse(&args{a: w})
			if !reflect.DeepEqual(r1, r2) || !reflect.DeepEqual(err1, err2) {
				t.Fatalf("%q: two answers: %v, %v and %v, %v", line, r1, err1, r2, err2)
			}
			if err1 == nil {
				continue
			}
			var e *shell.ExitError
			if !errors.As(err1, &e) || (e.Status != 1 && e.Status != 2 && e.Status != 255) || e.Msg == "" {
				t.Fatalf("%q: error %#v is not in iproute2's words", line, err1)
			}
		}
	})
}

func FuzzParseLink(f *testing.F) {
	fuzzParsers(f, [][]parseCase{linkCases, linkFilterCases, addrFilterCases, bridgeOptCases},
		func(a *args) (any, error) { return parseLinkReq(a, fakeNames{}) },
		func(a *args) (any, error) { return parseLinkFilter(a, fakeNames{}, false) },
		func(a *args) (any, error) { return parseLinkFilter(a, fakeNames{}, true) },
		func(a *args) (any, error) { return parseBridgeOpts(a.rest()) },
		func(a *args) (any, error) { return parseVethPeer(a.rest(), fakeNames{}) })
}

func FuzzParseAddr(f *testing.F) {
	fuzzParsers(f, [][]parseCase{addrCases},
		func(a *args) (any, error) { return parseAddrReq(a) })
}

func FuzzParseRoute(f *testing.F) {
	fuzzParsers(f, [][]parseCase{routeCases, routeFilterCases, routeGetCases},
		func(a *args) (any, error) { return parseRouteReq(a, fakeNames{}) },
		func(a *args) (any, error) { return parseRouteFilter(a, fakeNames{}) },
		func(a *args) (any, error) { return parseRouteGet(a) })
}

func FuzzParseNeigh(f *testing.F) {
	fuzzParsers(f, [][]parseCase{neighListCases, neighModifyCases},
		func(a *args) (any, error) { return parseNeigh(a, fakeNames{}, true) },
		func(a *args) (any, error) { return parseNeigh(a, fakeNames{}, false) })
}

func FuzzParseOptions(f *testing.F) {
	fuzzParsers(f, [][]parseCase{optionCases, bridgeOptionCases, netnsCases, bridgeLinkCases, fdbCases},
		func(a *args) (any, error) { return parseOptions(a, "ip", fakeNames{}) },
		func(a *args) (any, error) { return parseOptions(a, "bridge", fakeNames{}) },
		func(a *args) (any, error) { return parseNetns(a) },
		func(a *args) (any, error) { return parseBridgeLink(a, fakeNames{}) },
		func(a *args) (any, error) { return parseFDB(a, fakeNames{}) })
}

func FuzzParseRule(f *testing.F) {
	fuzzParsers(f, [][]parseCase{ruleCases, monitorCases},
		func(a *args) (any, error) { return parseRuleReq(a, fakeNames{}) },
		func(a *args) (any, error) { return parseMonitor(a, fakeNames{}) })
}
