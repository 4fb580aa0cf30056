package sed

import (
	"errors"
	"strconv"

	"github.com/nsemu/nsemu/emu/builtin/internal/opts"
	"github.com/nsemu/nsemu/emu/shell"
)

// request is a sed command line.
type request struct {
	pieces    []piece // the script: each -e, each -f file (read at compile time)
	quiet     bool    // -n
	inPlace   bool    // -i
	suffix    string  // -iSUFFIX: the backup's
	separate  bool    // -s (and -i)
	nullData  bool    // -z
	extended  bool    // -E, -r
	sandbox   bool    // --sandbox: no r, w (e is never run)
	posix     bool
	lineWrap  int // -l N, for the l command
	debug     bool
	files     []string
	scriptSet bool // -e or -f given: no operand is the script
}

// piece is one part of the script: an -e expression, or an -f file.
type piece struct {
	text string
	file string // the -f file's name; "" for -e
	expr int    // the number of an -e expression, from 1
}

// usageText is sed's usage line, which follows a bad command line.
const usageText = "Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]..."

// helpText is what sed prints without a script, and for --help.
const helpText = `Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...

  -n, --quiet, --silent
                 suppress automatic printing of pattern space
      --debug
                 annotate program execution
  -e script, --expression=script
                 add the script to the commands to be executed
  -f script-file, --file=script-file
                 add the contents of script-file to the commands to be executed
  --follow-symlinks
                 follow symlinks when processing in place
  -i[SUFFIX], --in-place[=SUFFIX]
                 edit files in place (makes backup if SUFFIX supplied)
  -l N, --line-length=N
                 specify the desired line-wrap length for the ` + "`" + `l' command
  --posix
                 disable all GNU extensions.
  -E, -r, --regexp-extended
                 use extended regular expressions in the script
                 (for portability use POSIX -E).
  -s, --separate
                 consider files as separate rather than as a single,
                 continuous long stream.
      --sandbox
                 operate in sandbox mode (disable e/r/w commands).
  -u, --unbuffered
                 load minimal amounts of data from the input files and flush
                 the output buffers more often
  -z, --null-data
                 separate lines by NUL characters
      --help     display this help and exit
      --version  output version information and exit

If no -e, --expression, -f, or --file option is given, then the first
non-option argument is taken as the sed script to interpret.  All
remaining arguments are names of input files; if no input files are
specified, then the standard input is read.

GNU sed home page: <https://www.gnu.org/software/sed/>.
General help using GNU software: <https://www.gnu.org/gethelp/>.`

var errHelp = errors.New("help")

// parse reads sed's command line. -f files are read later (compile),
// through the emulated file system: here they are only named.
func parse(args []string) (*request, error) {
	r := &request{lineWrap: 70}
	exprs := 0
	set := &opts.Set{Prog: "sed", Opts: []opts.Opt{
		{Short: 'n', Long: "quiet", Do: flag(&r.quiet)},
		{Long: "silent", Do: flag(&r.quiet)},
		{Short: 'e', Long: "expression", Arg: opts.Required, Do: func(a string) error {
			exprs++
			r.pieces, r.scriptSet = append(r.pieces, piece{text: a, expr: exprs}), true
			return nil
		}},
		{Short: 'f', Long: "file", Arg: opts.Required, Do: func(a string) error {
			r.pieces, r.scriptSet = append(r.pieces, piece{file: a}), true
			return nil
		}},
		{Short: 'i', Long: "in-place", Arg: opts.Optional, Do: func(a string) error {
			r.inPlace, r.separate, r.suffix = true, true, a
			return nil
		}},
		{Short: 's', Long: "separate", Do: flag(&r.separate)},
		{Short: 'z', Long: "null-data", Do: flag(&r.nullData)},
		{Short: 'E', Long: "regexp-extended", Do: flag(&r.extended)},
		{Short: 'r', Do: flag(&r.extended)},
		{Short: 'u', Long: "unbuffered", Do: func(string) error { return nil }},
		{Short: 'l', Long: "line-length", Arg: opts.Required, Do: r.lineLength},
		{Long: "posix", Do: flag(&r.posix)},
		{Long: "sandbox", Do: flag(&r.sandbox)},
		{Long: "debug", Do: flag(&r.debug)},
		{Long: "follow-symlinks", Do: func(string) error { return nil }},
		{Long: "help", Do: func(string) error { return errHelp }},
	}}
	ops, err := set.Parse(args)
	var oe *opts.Error
	switch {
	case errors.As(err, &oe):
		return nil, shell.Failf(1, "%s\n%s", oe.Msg, usageText)
	case err != nil:
		return nil, err
	}
	if !r.scriptSet {
		if len(ops) == 0 {
			return nil, shell.Failf(1, "%s", helpText)
		}
		r.pieces, ops = []piece{{text: ops[0], expr: 1}}, ops[1:]
	}
	r.files = ops
	if len(r.files) == 0 && r.inPlace {
		return nil, shell.Failf(4, "sed: no input files")
	}
	return r, nil
}

func (r *request) lineLength(a string) error {
	n, err := strconv.Atoi(a)
	if err != nil || n < 0 {
		return shell.Failf(1, "sed: invalid line length: %s", a)
	}
	r.lineWrap = n
	return nil
}

func flag(b *bool) func(string) error {
	return func(string) error { *b = true; return nil }
}
