package coreutils

import (
	"io"
	"strconv"
	"strings"

	"github.com/nsemu/nsemu/emu/builtin/internal/opts"
	"github.com/nsemu/nsemu/emu/builtin/internal/textio"
	"github.com/nsemu/nsemu/emu/shell"
)

// trReq is a tr command line, its sets expanded to bytes.
type trReq struct {
	complement, delete, squeeze, truncate bool
	set1, set2                            []byte
	warnings                              []string
	// fillAt is where SET2's [c*] is (-1: none): fillChar repeats there
	// until SET2 is as long as SET1.
	fillAt   int
	fillChar byte
}

// trClasses are the bytes of each class, in the C locale.
var trClasses = map[string]func(c byte) bool{
	"alnum":  func(c byte) bool { return isAlnum(c) },
	"alpha":  isAlpha,
	"blank":  isBlank,
	"cntrl":  func(c byte) bool { return c < ' ' || c == 0x7f },
	"digit":  isDigitB,
	"graph":  func(c byte) bool { return c > ' ' && c < 0x7f },
	"lower":  func(c byte) bool { return c >= 'a' && c <= 'z' },
	"print":  func(c byte) bool { return c >= ' ' && c < 0x7f },
	"punct":  func(c byte) bool { return c > ' ' && c < 0x7f && !isAlnum(c) },
	"space":  func(c byte) bool { return c == ' ' || c >= '\t' && c <= '\r' },
	"upper":  func(c byte) bool { return c >= 'A' && c <= 'Z' },
	"xdigit": func(c byte) bool { return isDigitB(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' },
}

func parseTr(args []string) (*trReq, error) {
	r := &trReq{fillAt: -1}
	set := &opts.Set{Prog: "tr", Opts: []opts.Opt{
		{Short: 'c', Long: "complement", Do: set(&r.complement)},
		{Short: 'C', Do: set(&r.complement)},
		{Short: 'd', Long: "delete", Do: set(&r.delete)},
		{Short: 's', Long: "squeeze-repeats", Do: set(&r.squeeze)},
		{Short: 't', Long: "truncate-set1", Do: set(&r.truncate)},
	}}
	ops, err := parseOpts(set, 1, args)
	if err != nil {
		return nil, err
	}
	if err := r.checkOperands(ops); err != nil {
		return nil, err
	}
	return r, r.expandSets(ops)
}

// checkOperands counts the sets, as tr does.
func (r *trReq) checkOperands(ops []string) error {
	want := 2
	if r.delete && !r.squeeze || r.squeeze && !r.delete && len(ops) < 2 {
		want = 1
	}
	switch {
	case len(ops) == 0:
		return usage("tr", 1, "missing operand")
	case len(ops) < want && r.delete:
		return usage("tr", 1, "missing operand after %s\nTwo strings must be given when both deleting and squeezing repeats.", q(ops[0]))
	case len(ops) < want:
		return usage("tr", 1, "missing operand after %s\nTwo strings must be given when translating.", q(ops[0]))
	case len(ops) > want && r.delete && !r.squeeze:
		return usage("tr", 1, "extra operand %s\nOnly one string may be given when deleting without squeezing repeats.", q(ops[want]))
	case len(ops) > want:
		return usage("tr", 1, "extra operand %s", q(ops[want]))
	}
	return nil
}

// expandSets turns SET1 and SET2 into byte lists.
func (r *trReq) expandSets(ops []string) error {
	s1, err := r.expand(ops[0], 1, false)
	if err != nil {
		return err
	}
	r.set1 = s1
	if len(ops) < 2 {
		if r.complement {
			r.set1 = complement(r.set1)
		}
		return nil
	}
	translating := !r.delete
	s2, err := r.expand(ops[1], 2, translating)
	if err != nil {
		return err
	}
	if r.complement {
		r.set1 = complement(r.set1)
	}
	r.set2 = s2
	if translating {
		return r.padSet2()
	}
	return nil
}

// padSet2 makes SET2 as long as SET1 for translation: its last byte
// repeats ([c*] fills), or SET1 is cut (-t).
func (r *trReq) padSet2() error {
	if r.fillAt >= 0 {
		n := max(0, len(r.set1)-len(r.set2))
		fill := append(r.set2[:r.fillAt:r.fillAt], strings.Repeat(string(r.fillChar), n)...)
		r.set2 = append(fill, r.set2[r.fillAt:]...)
	}
	if len(r.set2) == 0 && len(r.set1) > 0 && !r.truncate {
		return fail(1, "tr: when not truncating set1, string2 must be non-empty")
	}
	if r.truncate && len(r.set1) > len(r.set2) {
		r.set1 = r.set1[:len(r.set2)]
	}
	for len(r.set2) < len(r.set1) {
		r.set2 = append(r.set2, r.set2[len(r.set2)-1])
	}
	return nil
}

func complement(set []byte) []byte {
	var in [256]bool
	for _, c := range set {
		in[c] = true
	}
	var out []byte
	for c := 0; c < 256; c++ {
		if !in[c] {
			out = append(out, byte(c))
		}
	}
	return out
}

func runTr(c *shell.Cmd) int {
	r, err := parseTr(c.Args[1:])
	if err != nil {
		return c.Exit(err)
	}
	for _, w := range r.warnings {
		c.Errorf("tr: warning: %s", w)
	}
	out := textio.NewOut(c.Stdout)
	var in io.Reader = strings.NewReader("")
	if c.Stdin != nil {
		in = textio.Reader(c.Ctx, c.Stdin, out)
	}
	err = r.filter(in, out)
	if ferr := out.Flush(); ferr != nil || textio.IsWrite(err) {
		return textio.SigPipe
	}
	if err != nil {
		if c.Ctx.Err() != nil {
			return 130
		}
		return c.Errorf("tr: read error: %s", strerror(err))
	}
	return 0
}

// filter translates, deletes and squeezes standard input.
func (r *trReq) filter(in io.Reader, out *textio.Out) error {
	var table [256]int // -1: deleted
	for i := range table {
		table[i] = i
	}
	var squeeze [256]bool
	r.tables(&table, &squeeze)
	buf := make([]byte, 32<<10)
	last := -1
	for {
		n, err := in.Read(buf)
		for _, b := range buf[:n] {
			t := table[b]
			if t < 0 || t == last && squeeze[t] {
				continue
			}
			out.WriteByte(byte(t))
			last = t
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// tables fills the translation (or deletion) and squeeze tables.
func (r *trReq) tables(table *[256]int, squeeze *[256]bool) {
	switch {
	case r.delete:
		for _, c := range r.set1 {
			table[c] = -1
		}
		for _, c := range r.set2 {
			squeeze[c] = true
		}
	case len(r.set2) > 0:
		for i, c := range r.set1 {
			table[c] = int(r.set2[i])
		}
		if r.squeeze {
			for _, c := range r.set2 {
				squeeze[c] = true
			}
		}
	case r.squeeze:
		for _, c := range r.set1 {
			squeeze[c] = true
		}
	}
}

// octal reads up to three octal digits.
func octal(s string) (byte, int) {
	n := 0
	for n < 3 && n < len(s) && s[n] >= '0' && s[n] <= '7' {
		n++
	}
	v, _ := strconv.ParseUint(s[:n], 8, 16)
	return byte(v), n
}
