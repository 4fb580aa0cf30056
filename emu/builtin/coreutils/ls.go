package coreutils

import (
	"cmp"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/nsemu/nsemu/emu/builtin/internal/opts"
	"github.com/nsemu/nsemu/emu/builtin/internal/textio"
	"github.com/nsemu/nsemu/emu/shell"
)

// lsReq is an ls command line. Output is one name a line, as GNU ls
// writes when its output is no terminal.
type lsReq struct {
	long, all, almostAll, dirsOnly, recursive, human bool
	byTime, bySize, reverse, unsorted, classify      bool
	slash, numeric                                   bool
	files                                            []string
}

func parseLs(args []string) (*lsReq, error) {
	r := &lsReq{}
	none := func(string) error { return nil }
	set := &opts.Set{Prog: "ls", Opts: []opts.Opt{
		{Short: 'l', Do: set(&r.long)},
		{Short: 'a', Long: "all", Do: set(&r.all)},
		{Short: 'A', Long: "almost-all", Do: set(&r.almostAll)},
		{Short: 'd', Long: "directory", Do: set(&r.dirsOnly)},
		{Short: 'R', Long: "recursive", Do: set(&r.recursive)},
		{Short: 'h', Long: "human-readable", Do: set(&r.human)},
		{Short: 't', Do: set(&r.byTime)},
		{Short: 'S', Do: set(&r.bySize)},
		{Short: 'r', Long: "reverse", Do: set(&r.reverse)},
		{Short: 'U', Do: set(&r.unsorted)},
		{Short: 'f', Do: func(string) error { r.unsorted, r.all = true, true; return nil }},
		{Short: 'F', Long: "classify", Arg: opts.Optional, Do: set(&r.classify)},
		{Short: 'p', Do: set(&r.slash)},
		{Short: 'n', Long: "numeric-uid-gid", Do: func(string) error { r.long, r.numeric = true, true; return nil }},
		{Short: '1', Do: none}, {Short: 'C', Do: none}, {Short: 'x', Do: none},
		{Long: "color", Arg: opts.Optional, Do: none},
		{Short: 'G', Long: "no-group", Do: none},
	}}
	files, err := parseOpts(set, 2, args)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		files = []string{"."}
	}
	r.files = files
	return r, nil
}

// lsEntry is a file to list: its name as shown and what it is.
type lsEntry struct {
	name string
	fi   fs.FileInfo
	path string // where it is, for a directory's link count
}

func runLs(c *shell.Cmd) int {
	r, err := parseLs(c.Args[1:])
	if err != nil {
		return c.Exit(err)
	}
	out := textio.NewOut(c.Stdout)
	l := &lister{c: c, r: r, out: out}
	var files, dirs []lsEntry
	for _, name := range r.files {
		fi, err := c.Stat(name)
		if err != nil {
			out.Flush()
			c.Errorf("ls: cannot access %s: %s", q(name), strerror(err))
			l.status = 2
			continue
		}
		if fi.IsDir() && !r.dirsOnly {
			dirs = append(dirs, lsEntry{name, fi, name})
		} else {
			files = append(files, lsEntry{name, fi, name})
		}
	}
	l.sort(files)
	l.print(files)
	l.sort(dirs)
	for i, d := range dirs {
		if len(files) > 0 || i > 0 {
			out.WriteString("\n")
		}
		l.dir(d.name, len(r.files) > 1 || r.recursive)
	}
	if out.Flush() != nil {
		return textio.SigPipe
	}
	return l.status
}

// lister lists directories.
type lister struct {
	c      *shell.Cmd
	r      *lsReq
	out    *textio.Out
	status int
}

// dir lists one directory (and, with -R, those under it).
func (l *lister) dir(name string, header bool) {
	fis, err := l.c.ReadDir(name)
	if err != nil {
		l.out.Flush()
		l.c.Errorf("ls: cannot open directory %s: %s", q(name), strerror(err))
		l.status = 2
		return
	}
	if header {
		l.out.WriteString(name + ":\n")
	}
	var ents []lsEntry
	if l.r.all {
		for _, dot := range []string{".", ".."} {
			if fi, err := l.c.Stat(path.Join(name, dot)); err == nil {
				ents = append(ents, lsEntry{dot, fi, path.Join(name, dot)})
			}
		}
	}
	for _, fi := range fis {
		if strings.HasPrefix(fi.Name(), ".") && !l.r.all && !l.r.almostAll {
			continue
		}
		p := joinDir(name, fi.Name())
		// What ReadDir says of a directory leading to a mount point may
		// be wrong: ask the file itself.
		if st, err := l.c.Files().Lstat(l.c.Path(p)); err == nil {
			fi = st
		}
		ents = append(ents, lsEntry{fi.Name(), fi, p})
	}
	l.sort(ents)
	if l.r.long {
		l.out.WriteString("total " + l.total(ents) + "\n")
	}
	l.print(ents)
	if !l.r.recursive {
		return
	}
	for _, e := range ents {
		if e.fi.IsDir() && e.name != "." && e.name != ".." {
			l.out.WriteString("\n")
			l.dir(joinDir(name, e.name), true)
		}
	}
}

func joinDir(dir, name string) string {
	if strings.HasSuffix(dir, "/") {
		return dir + name
	}
	return dir + "/" + name
}

// sort orders entries: by name (bytes), or -t, -S; -r reverses.
func (l *lister) sort(ents []lsEntry) {
	if l.r.unsorted {
		return
	}
	slices.SortStableFunc(ents, func(a, b lsEntry) int {
		c := 0
		switch {
		case l.r.byTime:
			c = b.fi.ModTime().Compare(a.fi.ModTime())
		case l.r.bySize:
			c = cmp.Compare(b.fi.Size(), a.fi.Size())
		}
		if c == 0 {
			c = strings.Compare(a.name, b.name)
		}
		if l.r.reverse {
			return -c
		}
		return c
	})
}

// print writes entries, one a line, or in the long format.
func (l *lister) print(ents []lsEntry) {
	if !l.r.long {
		for _, e := range ents {
			l.out.WriteString(e.name + l.suffix(e.fi) + "\n")
		}
		return
	}
	rows := make([][]string, len(ents))
	for i, e := range ents {
		rows[i] = l.longRow(e)
	}
	writeColumns(l.out, rows, []bool{false, true, false, false, true, false, false})
}
