package sed

import "regexp"

// program is a compiled sed script: its commands in order, blocks and
// branches resolved to indexes.
type program struct {
	cmds  []*command
	quiet bool // the script began with "#n"
	// wfiles are the files w, W and s///w write, opened (truncated) when
	// the run starts, as sed opens them when it reads the script.
	wfiles []string
}

// addrKind is what an address matches.
type addrKind int

const (
	addrLine  addrKind = iota // N
	addrLast                  // $
	addrRegex                 // /re/
	addrStep                  // first~step
	addrZero                  // 0 (only 0,/re/)
	addrPlus                  // addr1,+N
	addrMult                  // addr1,~N
)

// address is one address of a command.
type address struct {
	kind       addrKind
	line, step int64
	re         *regex
}

// regex is a compiled pattern; empty is //, which reuses the last
// pattern used.
type regex struct {
	re    *regexp.Regexp
	empty bool
}

// command is one sed command with its addresses and arguments.
type command struct {
	a1, a2 *address
	negate bool
	name   byte

	text   string // a, i, c: with its final newline
	label  string // b, t, T, :
	jump   int    // b, t, T: the command to go to (len(cmds): the end); {: past its }
	fname  string // r, R, w, W
	status int    // q, Q: the exit status
	width  int    // l: the line length, -1 for the default
	s      *subst
	y      *[256]byte

	// The state of a range: in it, and (for addr1,+N and N,M) where it
	// ends.
	inRange  bool
	rangeEnd int64
	pos      int // where in the script, for errors
}

// subst is an s command.
type subst struct {
	re     *regex
	repl   []replPart
	global bool
	nth    int // replace the nth match (and, with global, the ones after)
	print  int // p: how many times
	wfile  string
	groups int // the highest \N the replacement uses
}

// replPart is a piece of a replacement: literal text, a group (0 is
// &), or a case conversion (\U \L \u \l \E).
type replPart struct {
	lit   string
	group int // -1: none
	conv  byte
}
