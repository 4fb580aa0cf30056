package ss

import (
	"errors"
	"fmt"
	"testing"

	"github.com/nsemu/nsemu/emu/shell"
)

// TestParse checks the options' tables and states (ss's filter_db_set,
// filter_af_set, the -a/-l flags and main()'s defaults), printed by
// Request.String.
func TestParse(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "dbs=0xbfff states=0xb37 n=false p=false s=false o=false e=false H=false N=\"\""},
		{[]string{"-tulpn"}, "dbs=0x9 states=0x480 n=true p=true s=false o=false e=false H=false N=\"\""},
		{[]string{"-t", "-u", "-l", "-p", "-n"}, "dbs=0x9 states=0x480 n=true p=true s=false o=false e=false H=false N=\"\""},
		{[]string{"-tan"}, "dbs=0x1 states=0xfff n=true p=false s=false o=false e=false H=false N=\"\""},
		{[]string{"-ltnp"}, "dbs=0x1 states=0x480 n=true p=true s=false o=false e=false H=false N=\"\""},
		{[]string{"-t"}, "dbs=0x1 states=0xb37 n=false p=false s=false o=false e=false H=false N=\"\""},
		{[]string{"-u"}, "dbs=0x8 states=0x2 n=false p=false s=false o=false e=false H=false N=\"\""},
		{[]string{"-x"}, "dbs=0xe0 states=0xb37 n=false p=false s=false o=false e=false H=false N=\"\""},
		{[]string{"-4"}, "dbs=0x81f states=0xb37 n=false p=false s=false o=false e=false H=false N=\"\""},
		{[]string{"-tnoe", "-H"}, "dbs=0x1 states=0xb37 n=true p=false s=false o=true e=true H=true N=\"\""},
		{[]string{"--tcp", "--listening", "--numeric", "--proc"}, "dbs=0x1 states=0x480 n=true p=true s=false o=false e=false H=false N=\"\""},
		{[]string{"-A", "tcp,udp"}, "dbs=0x9 states=0xb37 n=false p=false s=false o=false e=false H=false N=\"\""},
		{[]string{"-tn", "state", "established"}, "dbs=0x1 states=0x2 n=true p=false s=false o=false e=false H=false N=\"\""},
		{[]string{"-tn", "state", "established", "state", "listening"}, "dbs=0x1 states=0x402 n=true p=false s=false o=false e=false H=false N=\"\""},
		{[]string{"-t", "exclude", "listening"}, "dbs=0x1 states=0xbff n=false p=false s=false o=false e=false H=false N=\"\""},
		{[]string{"state", "connected", "-t"}, "dbs=0x1 states=0xb7f n=false p=false s=false o=false e=false H=false N=\"\""},
		{[]string{"-N", "ns1", "-t"}, "dbs=0x1 states=0xb37 n=false p=false s=false o=false e=false H=false N=\"ns1\""},
		{[]string{"-Nns1"}, "dbs=0xbfff states=0xb37 n=false p=false s=false o=false e=false H=false N=\"ns1\""},
	} {
		r, err := Parse(c.args)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.args, err)
			continue
		}
		if got := r.String(); got != c.want {
			t.Errorf("Parse(%q) = %s\n                     want %s", c.args, got, c.want)
		}
	}
}

// TestParseErrors checks ss's words and exit statuses for bad command
// lines (errors.sh compares the same with the real ss through the shell).
func TestParseErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-Q"}, "ss: invalid option -- 'Q'/255"},
		{[]string{"--bogus"}, "ss: unrecognized option '--bogus'/255"},
		{[]string{"--in"}, "ss: option '--in' is ambiguous; possibilities: '--info' '--inet-sockopt'/255"},
		{[]string{"--tcp=1"}, "ss: option '--tcp' doesn't allow an argument/255"},
		{[]string{"-A"}, "ss: option requires an argument -- 'A'/255"},
		{[]string{"--query"}, "ss: option '--query' requires an argument/255"},
		{[]string{"-A", "tcp,bogus"}, "ss: \"bogus\" is illegal socket table id/255"},
		{[]string{"-f", "bogus"}, "ss: \"bogus\" is invalid family/255"},
		{[]string{"state", "bogus"}, "ss: wrong state name: bogus/255"},
		{[]string{"-t", "state"}, "Command line is not complete. Try option \"help\"/255"},
		{[]string{"-6"}, "nsemu: ss -6 (IPv6): not emulated/1"},
		{[]string{"-f", "inet6"}, "nsemu: ss -f inet6 (IPv6): not emulated/1"},
		{[]string{"-tni"}, "nsemu: ss -i (internal TCP information): not emulated/1"},
		{[]string{"-K", "dport", "=", ":80"}, "nsemu: ss -K (killing sockets): not emulated/1"},
		{[]string{"-t", "dst"}, "ss: bison bellows (while parsing filter): \"syntax error!\" Sorry./255"},
	} {
		_, err := Parse(c.args)
		var ee *shell.ExitError
		if !errors.As(err, &ee) {
			t.Errorf("Parse(%q): %v, want an ExitError", c.args, err)
			continue
		}
		got := ee.Cause
		if got == "" {
			got = ee.Msg
		}
		if got = fmt.Sprintf("%s/%d", got, ee.Status); got != c.want {
			t.Errorf("Parse(%q): %q, want %q", c.args, got, c.want)
		}
	}
}
