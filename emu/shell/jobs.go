package shell

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"

	"mvdan.cc/sh/v3/syntax"
)

// Job control, as bash does it: `cmd &` prints `[1] 4001` at the prompt;
// jobs, fg, bg, kill %N and wait %N act on the table; a finished job is
// reported before the next prompt (`[1]+  Done  sleep 3`), and in a script
// a job that failed is reported on standard error with its line.
//
// The interpreter runs background statements itself; guard rewrites each
// one so that nsemu sees it start and end:
//
//	nsemu-fork ID
//	{ NSEMU_JOB=ID; ( CMD ) && nsemu-job-exit ID 0 || nsemu-job-exit ID $?; } </dev/nsemu/job &
//
// nsemu-fork takes a job slot and enters the job in the table; NSEMU_JOB
// tells the commands of the job which job they belong to (kill %N cancels
// their context); nsemu-job-exit records the status.

const (
	jobVar  = "NSEMU_JOB"
	exitCmd = "nsemu-job-exit"
	waitCmd = "nsemu-wait"
	// pidBase numbers the jobs' process ids in the order they start.
	pidBase = 4000
)

// job is one background job.
type job struct {
	id, n, pid int // guard's id, job number, process id
	text       string
	line       int
	ctx        context.Context
	cancel     context.CancelFunc
	done       chan struct{}
	status     int
	killed     bool
	reported   bool
}

// state is the job's state as jobs prints it.
func (j *job) state() string {
	select {
	case <-j.done:
	default:
		return "Running"
	}
	switch {
	case j.killed:
		return "Terminated"
	case j.status == 0:
		return "Done"
	}
	return "Exit " + strconv.Itoa(j.status)
}

// jobPlan is what guard knows of a background statement.
type jobPlan struct {
	text string
	line int
}

// jobTable is the jobs of a shell and its sub-shells.
type jobTable struct {
	mu      sync.Mutex
	plans   map[int]jobPlan
	nextID  int
	started []*job // in the order they started
	byID    map[int]*job
}

// plan records a background statement guard rewrites; it returns its id.
func (t *jobTable) plan(text string, line int) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.plans == nil {
		t.plans, t.byID = map[int]jobPlan{}, map[int]*job{}
	}
	t.nextID++
	t.plans[t.nextID] = jobPlan{text: text, line: line}
	return t.nextID
}

// start enters a job that is starting, numbered as bash numbers them (one
// past the highest running number).
func (t *jobTable) start(ctx context.Context, id int) *job {
	t.mu.Lock()
	defer t.mu.Unlock()
	p := t.plans[id]
	n := 1
	for _, j := range t.started {
		if !j.reported && j.n >= n {
			n = j.n + 1
		}
	}
	j := &job{id: id, n: n, pid: pidBase + len(t.started) + 1, text: p.text, line: p.line, done: make(chan struct{})}
	j.ctx, j.cancel = context.WithCancel(context.WithoutCancel(ctx))
	context.AfterFunc(ctx, j.cancel)
	t.started = append(t.started, j)
	if t.byID == nil {
		t.byID = map[int]*job{}
	}
	t.byID[id] = j
	return j
}

// finish records a job's end.
func (t *jobTable) finish(id, status int) {
	t.mu.Lock()
	j := t.byID[id]
	t.mu.Unlock()
	if j == nil {
		return
	}
	select {
	case <-j.done:
		return
	default:
	}
	j.status = status
	if j.ctx.Err() != nil && status != 0 {
		j.killed, j.status = true, 143
	}
	j.cancel()
	close(j.done)
}

// running returns the job a command of which runs with env value id.
func (t *jobTable) running(id string) *job {
	n, err := strconv.Atoi(id)
	if err != nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.byID[n]
}

// lookup finds a job by %N, %+, %-, %%, gK ($!) or process id.
func (t *jobTable) lookup(spec string) (*job, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	live := t.liveLocked()
	switch {
	case spec == "%%" || spec == "%+" || spec == "%":
		if len(live) > 0 {
			return live[len(live)-1], true
		}
	case spec == "%-":
		if len(live) > 1 {
			return live[len(live)-2], true
		}
	case strings.HasPrefix(spec, "%"):
		n, _ := strconv.Atoi(spec[1:])
		for _, j := range live {
			if j.n == n {
				return j, true
			}
		}
	case strings.HasPrefix(spec, "g"):
		k, _ := strconv.Atoi(spec[1:])
		if k >= 1 && k <= len(t.started) {
			return t.started[k-1], true
		}
	default:
		pid, _ := strconv.Atoi(spec)
		for _, j := range t.started {
			if j.pid == pid {
				return j, true
			}
		}
	}
	return nil, false
}

// liveLocked lists the jobs not yet reported, oldest first.
func (t *jobTable) liveLocked() []*job {
	var out []*job
	for _, j := range t.started {
		if !j.reported {
			out = append(out, j)
		}
	}
	return out
}

// line formats a job as jobs and the notices print it.
func (t *jobTable) lineLocked(j *job, live []*job, pids bool) string {
	mark := " "
	switch {
	case len(live) > 0 && live[len(live)-1] == j:
		mark = "+"
	case len(live) > 1 && live[len(live)-2] == j:
		mark = "-"
	}
	text, state := j.text, j.state()
	if state != "Running" {
		text = strings.TrimSuffix(text, " &")
	}
	pid := ""
	if pids {
		pid = strconv.Itoa(j.pid) + " "
	}
	return fmt.Sprintf("[%d]%s  %s%-24s%s", j.n, mark, pid, state, text)
}

// notices writes the finished jobs not yet reported (before a prompt) and
// forgets them; failed only keeps to the failed ones (in a script).
func (t *jobTable) notices(w io.Writer, prefix func(*job) string, failedOnly bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	live := t.liveLocked()
	for _, j := range live {
		if j.state() == "Running" {
			continue
		}
		if !failedOnly || (j.status != 0 && !j.killed) {
			fmt.Fprintf(w, "%s%s\n", prefix(j), t.lineLocked(j, live, false))
			j.reported = true
		}
	}
}

// rewriteJob turns background statement st into its job form (see the
// comment at the top), and returns the nsemu-fork call to put before it.
func rewriteJob(st *syntax.Stmt, jobs *jobTable) *syntax.Stmt {
	var b strings.Builder
	syntax.NewPrinter(syntax.SingleLine(true)).Print(&b, st.Cmd)
	id := jobs.plan(b.String()+" &", int(st.Pos().Line()))
	tmpl := fmt.Sprintf("%s %d\n{ %s=%d; ( : ) && %s %d 0 || %s %d $?; }\n", forkCmd, id, jobVar, id, exitCmd, id, exitCmd, id)
	f, err := syntax.NewParser().Parse(strings.NewReader(tmpl), "")
	if err != nil {
		panic("shell: the job template does not parse: " + err.Error())
	}
	block := f.Stmts[1].Cmd.(*syntax.Block)
	bin := block.Stmts[1].Cmd.(*syntax.BinaryCmd).X.Cmd.(*syntax.BinaryCmd)
	sub := bin.X.Cmd.(*syntax.Subshell)
	sub.Stmts = []*syntax.Stmt{{Position: st.Pos(), Cmd: st.Cmd, Negated: st.Negated}}
	st.Cmd, st.Negated = block, false
	fork := f.Stmts[0]
	fork.Position = st.Pos()
	return fork
}

// The job-control built-ins.

func (s *Shell) jobsCmd(c *Cmd) int {
	t := &s.lim().jobs
	pids := slices.Contains(c.Args[1:], "-l")
	onlyPids := slices.Contains(c.Args[1:], "-p")
	t.mu.Lock()
	defer t.mu.Unlock()
	live := t.liveLocked()
	for _, j := range live {
		if onlyPids {
			c.Printf("%d\n", j.pid)
			continue
		}
		c.Printf("%s\n", t.lineLocked(j, live, pids))
	}
	return 0
}

func (s *Shell) fgCmd(c *Cmd) int {
	spec := "%+"
	if len(c.Args) > 1 {
		spec = c.Args[1]
	}
	j, ok := s.lim().jobs.lookup(spec)
	if !ok {
		return c.Errorf("bash: fg: %s: no such job", spec)
	}
	c.Printf("%s\n", strings.TrimSuffix(j.text, " &"))
	select {
	case <-j.done:
	case <-c.Ctx.Done():
		j.cancel() // Ctrl-C reaches the job in the foreground
		<-j.done
	}
	s.forget(j)
	return j.status
}

func (s *Shell) bgCmd(c *Cmd) int {
	spec := "%+"
	if len(c.Args) > 1 {
		spec = c.Args[1]
	}
	j, ok := s.lim().jobs.lookup(spec)
	if !ok {
		return c.Errorf("bash: bg: %s: no such job", spec)
	}
	return c.Errorf("bash: bg: job %d already in background", j.n)
}

// killCmd is kill: jobs and the process ids nsemu gave them; every signal
// ends the job (there are no stopped jobs).
func (s *Shell) killCmd(c *Cmd) int {
	args := c.Args[1:]
	if len(args) > 0 && (args[0] == "-l" || args[0] == "-L") {
		c.Printf(" 1) SIGHUP\t 2) SIGINT\t 3) SIGQUIT\t 9) SIGKILL\t15) SIGTERM\n")
		return 0
	}
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && args[0] != "--" {
		if args[0] == "-s" || args[0] == "-n" {
			args = args[1:]
		}
		args = args[1:]
	}
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		return c.Fail(2, "kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]")
	}
	status := 0
	for _, a := range args {
		j, ok := s.lim().jobs.lookup(a)
		if !ok {
			if strings.HasPrefix(a, "%") {
				status = c.Errorf("bash: kill: %s: no such job", a)
			} else {
				status = c.Errorf("bash: kill: (%s) - No such process", a)
			}
			continue
		}
		j.cancel()
	}
	return status
}

// waitJobsCmd is wait with job specs (%N); wait alone and wait $! are the
// interpreter's.
func (s *Shell) waitJobsCmd(c *Cmd) int {
	status := 0
	for _, a := range c.Args[1:] {
		j, ok := s.lim().jobs.lookup(a)
		if !ok {
			c.Errorf("bash: wait: %s: no such job", a)
			status = 127
			continue
		}
		select {
		case <-j.done:
		case <-c.Ctx.Done():
			return 130
		}
		status = j.status
	}
	return status
}

// forget drops a job fg waited for: it is not reported as done.
func (s *Shell) forget(j *job) {
	t := &s.lim().jobs
	t.mu.Lock()
	j.reported = true
	t.mu.Unlock()
}

// ReportJobs writes the jobs that ended since the last report, as bash
// does before a prompt.
func (s *Shell) ReportJobs(w io.Writer) {
	s.lim().jobs.notices(w, func(*job) string { return "" }, false)
}

// reportFailedJobs writes, in a script, the jobs that failed since the last
// report, with their script line.
func (s *Shell) reportFailedJobs(w io.Writer, name string) {
	s.lim().jobs.notices(w, func(j *job) string { return fmt.Sprintf("%s:%d: background job ", name, j.line) }, true)
}

// startJob enters the job nsemu-fork ID announces; at the prompt it says
// `[N] PID`, as bash does.
func (s *Shell) startJob(ctx context.Context, args []string) {
	if len(args) != 2 {
		return
	}
	id, err := strconv.Atoi(args[1])
	if err != nil {
		return
	}
	j := s.lim().jobs.start(ctx, id)
	if s.lineMode.Load() {
		fmt.Fprintf(s.Stderr, "[%d] %d\n", j.n, j.pid)
	}
}
