// Package sed is GNU sed 4.9 in process, over the emulated file system:
// the whole command language (addresses N, $, /re/I, first~step,
// addr1,addr2, addr,+N, addr,~N, 0,/re/, !; s with its flags, case
// conversion and groups; y; a i c; p P d D n N g G h H x l = q Q z F;
// b t T and labels; {} blocks; r R w W), -n -e -f -E -i -s -z -l. r, R,
// w and W read and write the emulated files only (/dev/stdout and
// /dev/stderr are sed's own streams). The e command and the e flag of s,
// which run a program, are refused when the script is read. Patterns are
// POSIX regular expressions translated to Go's (back-references in a
// pattern are refused; \1 in a replacement works).
package sed

import (
	"errors"
	"io"
	"path"
	"strings"

	"github.com/nsemu/nsemu/emu/builtin/internal/textio"
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/emu/vfs"
)

// Builtins returns sed.
func Builtins() []*shell.Builtin {
	return []*shell.Builtin{{
		Name:  "sed",
		Group: shell.GroupFiles,
		Usage: "sed [-nEsz] [-i[SUFFIX]] [-l N] {SCRIPT | -e SCRIPT... | -f FILE...} [FILE]...",
		Help: `Edits the lines of the FILEs (or standard input) as GNU sed 4.9 does, over
the emulated file system: r, R, w and W (and -i) read and write emulated
files only. The e command and s///e, which run programs, are refused.
Back-references (\1) in a pattern are not supported; in a replacement
they are.`,
		Run: run,
	}}
}

func run(c *shell.Cmd) int {
	req, err := parse(c.Args[1:])
	if err == errHelp {
		c.Printf("%s\n", helpText)
		return 0
	}
	if err != nil {
		return c.Exit(err)
	}
	if err := readScriptFiles(c, req); err != nil {
		return c.Exit(err)
	}
	prog, err := compile(req)
	if err != nil {
		return c.Exit(err)
	}
	return execute(c, req, prog)
}

// readScriptFiles reads the -f files, through the emulated file system.
func readScriptFiles(c *shell.Cmd, req *request) error {
	for i, p := range req.pieces {
		if p.file == "" {
			continue
		}
		var data []byte
		var err error
		if p.file == "-" && c.Stdin != nil {
			data, err = io.ReadAll(textio.Reader(c.Ctx, c.Stdin, nil))
		} else if p.file != "-" {
			data, err = c.ReadFile(p.file)
		}
		if err != nil {
			return shell.Failf(4, "sed: couldn't open file %s", shell.FileError(err))
		}
		req.pieces[i].text = strings.TrimSuffix(string(data), "\n")
	}
	return nil
}

// execute runs the program over the input.
func execute(c *shell.Cmd, req *request, prog *program) int {
	stdout := textio.NewOut(c.Stdout)
	m := &machine{c: c, req: req, prog: prog, delim: '\n'}
	if req.nullData {
		m.delim = 0
	}
	m.stdout = &output{w: stdout}
	m.out = m.stdout
	m.files = &files{c: c, stdout: m.stdout}
	defer m.files.close()
	if err := m.files.open(prog.wfiles); err != nil {
		return c.Exit(err)
	}
	m.in = newInputs(c, req.files, m.delim, stdout)
	err := m.run()
	if req.inPlace {
		err = errors.Join(err, m.finishInPlace())
	}
	ferr := stdout.Flush()
	switch {
	case c.Ctx.Err() != nil:
		return 130
	case ferr != nil || m.stdout.err != nil || textio.IsWrite(err):
		return textio.SigPipe
	case err != nil:
		return c.Exit(shell.Failf(exitStatus(err), "%s", err))
	case m.quit:
		return m.status
	case m.in.failed:
		return 2
	}
	return 0
}

// exitStatus is sed's status for a run-time error: 4, or 1 for a // with
// no pattern before it.
func exitStatus(err error) int {
	var e *shell.ExitError
	switch {
	case errors.As(err, &e):
		return e.Status
	case errors.Is(err, errNoRegex):
		return 1
	}
	return 4
}

// inPlace is the file -i is editing and what sed wrote for it.
type inPlace struct {
	name string
	buf  strings.Builder
}

// startInPlace sends the output to a new file's buffer.
func (m *machine) startInPlace(name string) {
	if err := m.finishInPlace(); err != nil {
		m.in.fatal = err
	}
	ip := &inPlace{name: name}
	m.editing = ip
	m.out = &output{w: &ip.buf}
}

// finishInPlace writes the edited file (and its backup, with a suffix).
func (m *machine) finishInPlace() error {
	ip := m.editing
	if ip == nil || ip.name == "-" {
		return nil
	}
	m.editing = nil
	v := m.c.Files()
	if m.req.suffix != "" {
		if err := v.Rename(m.c.Path(ip.name), m.c.Path(backupName(ip.name, m.req.suffix))); err != nil {
			return shell.Failf(4, "sed: cannot rename %s: %s", ip.name, strerror(err))
		}
	}
	if err := v.WriteFile(m.c.Path(ip.name), []byte(ip.buf.String()), 0o644); err != nil {
		return shell.Failf(4, "sed: couldn't open file %s", shell.FileError(err))
	}
	return nil
}

// backupName is -i's backup of name: the suffix appended, or with each *
// replaced by the file's base name.
func backupName(name, suffix string) string {
	if !strings.Contains(suffix, "*") {
		return name + suffix
	}
	b := strings.ReplaceAll(suffix, "*", path.Base(name))
	if strings.Contains(b, "/") {
		return b
	}
	return path.Join(path.Dir(name), b)
}

func strerror(err error) string { return vfs.Strerror(err) }
