package nettools

import (
	"strings"
	"testing"
)

var hostnameCases = []struct {
	args []string
	want hostnameView
	err  string
}{
	{args: nil, want: hostName},
	{args: []string{"-s"}, want: hostShort},
	{args: []string{"--fqdn"}, want: hostName},
	{args: []string{"-i", "ignored"}, want: hostAddrs},
	{args: []string{"--all-ip-addresses"}, want: hostAll},
	{args: []string{"-x"}, err: "hostname: invalid option -- 'x'"},
	{args: []string{"--bogus"}, err: "hostname: invalid option -- 'bogus'"},
	{args: []string{"newname"}, err: "hostname: you must be root to change the host name"},
}

func TestParseHostname(t *testing.T) {
	for _, c := range hostnameCases {
		v, err := parseHostname(c.args)
		if c.err != "" {
			if st, msg := exitErr(err); err == nil || st != 1 || msg != c.err {
				t.Errorf("parseHostname(%q): error %v, want %q", c.args, err, c.err)
			}
			continue
		}
		if err != nil || v != c.want {
			t.Errorf("parseHostname(%q) = %v, %v; want %v", c.args, v, err, c.want)
		}
	}
}

func FuzzParseHostname(f *testing.F) {
	for _, c := range hostnameCases {
		f.Add(strings.Join(c.args, "\x00"))
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := fuzzArgs(line)
		_, err := parseHostname(args)
		checkFuzzErr(t, args, err, 1)
	})
}
