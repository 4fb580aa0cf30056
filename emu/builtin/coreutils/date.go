package coreutils

import (
	"strconv"
	"strings"
	"time"

	"github.com/nsemu/nsemu/emu/builtin/internal/opts"
	"github.com/nsemu/nsemu/emu/shell"
)

// dateReq is a date command line.
type dateReq struct {
	format string // without the +
	date   string // -d STRING, "" for now
	hasD   bool
}

// The formats of date's -R and -I options, and its default.
const (
	dateDefault = "%a %b %e %H:%M:%S %Z %Y"
	dateRFC5322 = "%a, %d %b %Y %H:%M:%S %z"
)

var isoFormats = map[string]string{
	"date": "%Y-%m-%d", "hours": "%Y-%m-%dT%H%:z", "minutes": "%Y-%m-%dT%H:%M%:z",
	"seconds": "%Y-%m-%dT%H:%M:%S%:z", "ns": "%Y-%m-%dT%H:%M:%S,%N%:z",
}

func parseDate(args []string) (*dateReq, error) {
	r := &dateReq{}
	set := &opts.Set{Prog: "date", Opts: []opts.Opt{
		{Short: 'u', Long: "utc", Do: func(string) error { return nil }},
		{Long: "universal", Do: func(string) error { return nil }},
		{Short: 'R', Long: "rfc-email", Do: func(string) error { r.format = dateRFC5322; return nil }},
		{Short: 'I', Long: "iso-8601", Arg: opts.Optional, Do: r.isoArg},
		{Short: 'd', Long: "date", Arg: opts.Required, Do: func(a string) error { r.date, r.hasD = a, true; return nil }},
		{Short: 's', Long: "set", Arg: opts.Required, Do: func(string) error {
			return fail(1, "date: cannot set date: Operation not permitted")
		}},
	}}
	ops, err := parseOpts(set, 1, args)
	if err != nil {
		return nil, err
	}
	for i, o := range ops {
		switch {
		case i > 0:
			return nil, usage("date", 1, "extra operand %s", q(o))
		case !strings.HasPrefix(o, "+"):
			return nil, fail(1, "date: invalid date %s", q(o))
		}
		r.format = o[1:]
	}
	if r.format == "" {
		r.format = dateDefault
	}
	return r, nil
}

func (r *dateReq) isoArg(a string) error {
	if a == "" {
		a = "date"
	}
	for name, f := range isoFormats {
		if strings.HasPrefix(name, a) {
			r.format = f
			return nil
		}
	}
	return usage("date", 1, "invalid argument %s for '--iso-8601'\nValid arguments are:\n  - 'hours'\n  - 'minutes'\n  - 'date'\n  - 'seconds'\n  - 'ns'", q(a))
}

// runDate prints the emulated clock's time (or -d's), in UTC: the
// emulated machine's time zone.
func runDate(c *shell.Cmd) int {
	r, err := parseDate(c.Args[1:])
	if err != nil {
		return c.Exit(err)
	}
	t := c.World().Clock().Now().UTC()
	if r.hasD {
		if t, err = parseDateString(r.date, t); err != nil {
			return c.Exit(err)
		}
	}
	c.Printf("%s\n", strftime(r.format, t))
	return 0
}

// parseDateString reads -d: @SECONDS, now, today, and the ISO forms
// (2024-01-02, 2024-01-02 03:04[:05], with T and a zone).
func parseDateString(s string, now time.Time) (time.Time, error) {
	v := strings.TrimSpace(s)
	if sec, ok := strings.CutPrefix(v, "@"); ok {
		if f, err := strconv.ParseFloat(sec, 64); err == nil {
			whole := int64(f)
			return time.Unix(whole, int64((f-float64(whole))*1e9)).UTC(), nil
		}
	}
	switch strings.ToLower(v) {
	case "", "now", "today":
		return now, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02", "2006-01-02 15:04:05Z07:00"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fail(1, "date: invalid date %s", q(s))
}
