package grep

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/nsemu/nsemu/emu/builtin/internal/textio"
	"github.com/nsemu/nsemu/emu/shell"
)

// maxDepth bounds -r, against a cycle of directories.
const maxDepth = 64

// names says when lines get their file's name.
type names int

const (
	namesNever  names = iota
	namesAlways       // -H, or several operands
	namesInDirs       // grep -r PATTERN DIR: the files found in DIR
)

// errStop ends the whole search: -q found a line, or the run ended;
// errWrite when the output went away.
var (
	errStop  = errors.New("stop")
	errWrite = errors.New("write error")
)

// grep is one run: the request, its matcher, and what happened so far.
type grep struct {
	c   *shell.Cmd
	r   *request
	m   *matcher
	out *textio.Out

	names   names
	matched bool // a line was selected
	failed  bool // an error was reported
	outAny  bool // something was printed (for the group separator)
}

func run(c *shell.Cmd) int {
	r, err := parse(c.Args[0], c.Args[1:])
	switch {
	case err == errHelp:
		c.Printf("Usage: %s [OPTION]... PATTERNS [FILE]...\nSearch for PATTERNS in each FILE.\n", c.Args[0])
		return 0
	case err == errVersion:
		c.Printf("grep (GNU grep) 3.8 (nsemu)\n")
		return 0
	case err != nil:
		return c.Fail(2, "%s", err)
	}
	g := &grep{c: c, r: r, out: textio.NewOut(c.Stdout)}
	if err := g.prepare(); err != nil {
		return c.Fail(2, "%s", err)
	}
	err = g.all()
	if ferr := g.out.Flush(); ferr != nil || err == errWrite {
		return textio.SigPipe
	}
	switch {
	case g.r.quiet && g.matched:
		return 0
	case err != nil && err != errStop:
		return 2
	case g.failed:
		return 2
	case g.matched:
		return 0
	}
	return 1
}

// prepare reads the -f files and compiles the patterns.
func (g *grep) prepare() error {
	for _, f := range g.r.patFiles {
		data, err := g.readPatternFile(f)
		if err != nil {
			return err
		}
		text := strings.TrimSuffix(string(data), "\n")
		if len(data) > 0 {
			g.r.addPatterns(text)
		}
	}
	if g.r.onlyMatching {
		g.r.context = false
		g.r.before, g.r.after = 0, 0
	}
	m, warns, err := compile(g.r)
	for _, w := range warns {
		io.WriteString(g.c.Stderr, g.r.prog+": warning: "+w+"\n")
	}
	if err != nil {
		return errors.New(g.r.prog + ": " + err.Error())
	}
	g.m = m
	return nil
}

func (g *grep) readPatternFile(name string) ([]byte, error) {
	if name == "-" {
		if g.c.Stdin == nil {
			return nil, nil
		}
		return io.ReadAll(textio.Reader(g.c.Ctx, g.c.Stdin, nil))
	}
	data, err := g.c.ReadFile(name)
	if err != nil {
		return nil, errors.New(g.r.prog + ": " + shell.FileError(err))
	}
	return data, nil
}

// all searches every operand.
func (g *grep) all() error {
	files := g.r.files
	implicit := len(files) == 0
	if implicit {
		files = []string{"-"}
		if g.r.recursive {
			files = []string{"."}
		}
	}
	switch {
	case g.r.withName < 0:
		g.names = namesNever
	case g.r.withName > 0 || len(files) > 1:
		g.names = namesAlways
	case g.r.recursive:
		g.names = namesInDirs
	}
	for _, f := range files {
		shown := f
		if implicit && f == "." {
			shown = ""
		}
		if err := g.operand(f, shown); err != nil {
			return err
		}
	}
	return nil
}

// operand searches a file named on the command line ("-" is standard
// input); shown is the name to print ("" for the implicit "." of -r).
func (g *grep) operand(name, shown string) error {
	if name == "-" {
		if g.c.Stdin == nil {
			return nil
		}
		return g.search(g.c.Stdin, g.r.label, g.names == namesAlways)
	}
	fi, err := g.c.Stat(name)
	if err != nil {
		g.fileError(err)
		return nil
	}
	if fi.IsDir() {
		switch {
		case g.r.recursive:
			return g.walk(name, shown, 0)
		case g.r.skipDirs:
			return nil
		}
		g.fileError(&fs.PathError{Op: "read", Path: name, Err: errIsDir})
		return nil
	}
	if !g.included(path.Base(name)) {
		return nil
	}
	return g.file(name, name, g.names == namesAlways)
}

// walk searches a directory for -r.
func (g *grep) walk(dir, shown string, depth int) error {
	if depth > maxDepth {
		return nil
	}
	fis, err := g.c.ReadDir(dir)
	if err != nil {
		g.fileError(err)
		return nil
	}
	for _, fi := range fis {
		if err := g.c.Ctx.Err(); err != nil {
			return errStop
		}
		name := joinPath(dir, fi.Name())
		show := joinPath(shown, fi.Name())
		if err := g.entry(fi, name, show, depth); err != nil {
			return err
		}
	}
	return nil
}

// entry searches one thing found by walk.
func (g *grep) entry(fi fs.FileInfo, name, show string, depth int) error {
	// What ReadDir says of a directory leading to a mount point may be
	// wrong: ask the file itself.
	if st, err := g.c.Files().Lstat(g.c.Path(name)); err == nil {
		fi = st
	}
	mode := fi.Mode()
	if mode&fs.ModeSymlink != 0 {
		if !g.r.deref {
			return nil
		}
		st, err := g.c.Stat(name)
		if err != nil {
			return nil
		}
		mode = st.Mode()
	}
	switch {
	case mode.IsDir():
		if matchAny(g.r.excludeDir, fi.Name()) {
			return nil
		}
		return g.walk(name, show, depth+1)
	case !mode.IsRegular() || !g.included(fi.Name()):
		return nil
	}
	return g.file(name, show, g.names != namesNever)
}

// joinPath joins a directory and a name as grep prints it.
func joinPath(dir, name string) string {
	switch {
	case dir == "":
		return name
	case strings.HasSuffix(dir, "/"):
		return dir + name
	}
	return dir + "/" + name
}

// included applies --include and --exclude to a file's base name.
func (g *grep) included(base string) bool {
	if len(g.r.include) > 0 && !matchAny(g.r.include, base) {
		return false
	}
	return !matchAny(g.r.exclude, base)
}

func matchAny(globs []string, name string) bool {
	for _, p := range globs {
		if ok, _ := path.Match(p, name); ok {
			return true
		}
	}
	return false
}

// file searches a file of the emulated file system.
func (g *grep) file(name, shown string, withName bool) error {
	f, err := g.c.Open(name)
	if err != nil {
		g.fileError(err)
		return nil
	}
	defer f.Close()
	return g.search(f, shown, withName)
}

// fileError reports a file that cannot be searched (unless -s).
func (g *grep) fileError(err error) {
	g.failed = true
	if !g.r.noMessages {
		io.WriteString(g.c.Stderr, g.r.prog+": "+shell.FileError(err)+"\n")
	}
}

// hasNUL reports whether a line makes its file binary.
func hasNUL(line []byte) bool { return bytes.IndexByte(line, 0) >= 0 }
