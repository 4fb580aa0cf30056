package awk

import (
	"context"
	"errors"
	"io"
	"regexp"
	"strings"

	"github.com/benhoyt/goawk/interp"
	"github.com/benhoyt/goawk/parser"

	"github.com/nsemu/nsemu/emu/builtin/internal/textio"
	"github.com/nsemu/nsemu/emu/shell"
)

// filenameFunc is the Go function the FILENAME rule calls; filenameRule
// runs before the program's own rules.
const (
	filenameFunc = "__nsemu_filename"
	filenameRule = "FNR == 1 { FILENAME = " + filenameFunc + "() }\n"
)

func run(c *shell.Cmd) int {
	r, err := parse(c.Args[1:])
	if err != nil {
		return c.Exit(err)
	}
	if r.version {
		c.Printf("awk (GoAWK 1.29.1, in nsemu)\n")
		return 0
	}
	src, err := programText(c, r)
	if err != nil {
		return c.Exit(err)
	}
	out := textio.NewOut(c.Stdout)
	in := newInputs(c, r.args, out)
	prog, err := compile(src, in)
	if err != nil {
		return c.Exit(err)
	}
	status, err := execute(c.Ctx, prog, r, in, out)
	ferr := out.Flush()
	switch {
	case c.Ctx.Err() != nil:
		return 130
	case ferr != nil || textio.IsWrite(err):
		return textio.SigPipe
	case in.openErr != nil:
		return c.Exit(shell.Failf(2, "awk: cannot open %s (%s)", in.openName, strerror(in.openErr)))
	case err != nil:
		return c.Exit(shell.Failf(2, "awk: %s", runtimeMessage(err)))
	}
	return status
}

// programText is the program: the text operand, or the -f files read
// through the emulated file system.
func programText(c *shell.Cmd, r *request) (string, error) {
	if len(r.progFile) == 0 {
		return r.program, nil
	}
	var parts []string
	for _, f := range r.progFile {
		var data []byte
		var err error
		if f == "-" && c.Stdin != nil {
			data, err = io.ReadAll(textio.Reader(c.Ctx, c.Stdin, nil))
		} else {
			data, err = c.ReadFile(f)
		}
		if err != nil {
			return "", shell.Failf(2, "awk: cannot open %s (%s)", f, strerror(err))
		}
		parts = append(parts, string(data))
	}
	return strings.Join(parts, "\n"), nil
}

// compile parses the program; when it reads named files, it parses it
// again behind the rule that sets FILENAME (the first parse reports the
// errors where the user's text has them).
func compile(src string, in *inputs) (*parser.Program, error) {
	src = standardStreams(src)
	conf := &parser.ParserConfig{Funcs: in.funcs()}
	prog, err := parser.ParseProgram([]byte(src), conf)
	if err != nil {
		return nil, parseError(err)
	}
	readsInput := len(prog.Actions) > 0 || len(prog.End) > 0
	if !in.named() || !readsInput {
		return prog, nil
	}
	prog, err = parser.ParseProgram([]byte(filenameRule+src), conf)
	if err != nil {
		return nil, parseError(err)
	}
	return prog, nil
}

// Redirections to the standard streams by name, which GoAWK takes for
// files (refused) but spells "-": print > "/dev/stdout", getline <
// "/dev/stdin".
var (
	toStdout  = regexp.MustCompile(`(>>?)(\s*)"/dev/stdout"`)
	fromStdin = regexp.MustCompile(`(<)(\s*)"/dev/stdin"`)
)

// standardStreams rewrites "/dev/stdout" and "/dev/stdin" after a
// redirection as "-".
func standardStreams(src string) string {
	src = toStdout.ReplaceAllString(src, `$1$2"-"`)
	return fromStdin.ReplaceAllString(src, `$1$2"-"`)
}

// parseError words a syntax error as awk does: "awk: line 1: ...".
func parseError(err error) error {
	var pe *parser.ParseError
	if errors.As(err, &pe) {
		return shell.Failf(2, "awk: line %d: %s", pe.Position.Line, pe.Message)
	}
	return shell.Failf(2, "awk: %v", err)
}

// execute runs the program with GoAWK's safe mode on.
func execute(ctx context.Context, prog *parser.Program, r *request, in *inputs, out *textio.Out) (int, error) {
	vars := r.vars
	if r.fs != nil {
		vars = append([]string{"FS", *r.fs}, vars...)
	}
	it, err := interp.New(prog)
	if err != nil {
		return 2, err
	}
	return it.ExecuteContext(ctx, &interp.Config{
		Stdin:        in.reader(),
		Output:       out,
		Error:        in.c.Stderr,
		Argv0:        "awk",
		Args:         in.args,
		Vars:         vars,
		Funcs:        in.funcs(),
		Environ:      []string{},
		NoExec:       true,
		NoFileWrites: true,
		NoFileReads:  true,
		ShellCommand: []string{"/nonexistent/nsemu-refuses-commands"},
	})
}

// The refusals of GoAWK's safe mode, in nsemu's words.
var refusals = []struct{ goawk, msg string }{
	{"can't call system() due to NoExec", "system() is not supported in nsemu (it would run a program)"},
	{"pipe due to NoExec", "command pipes (\"cmd\" | getline, print | \"cmd\") are not supported in nsemu (they would run a program)"},
	{"due to NoFileWrites", "print > FILE is not supported in nsemu: print to standard output and redirect it (awk ... > FILE)"},
	{"due to NoFileReads", "getline < FILE is not supported in nsemu: name the file on the command line"},
}

// runtimeMessage is a run-time error's text.
func runtimeMessage(err error) string {
	msg := err.Error()
	for _, r := range refusals {
		if strings.Contains(msg, r.goawk) {
			return r.msg
		}
	}
	return msg
}
