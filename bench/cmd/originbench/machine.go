package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// machine describes where the run happened.
type machine struct {
	date                time.Time
	commit              string
	cpu                 string
	cores               int
	virtual             bool
	kernel              string
	goVersion           string
	python, moto, boto3 string
	loadStart, loadEnd  string
	duration            time.Duration
	memTotal            string
}

func describeMachine(ctx context.Context, py string) machine {
	m := machine{date: time.Now().UTC(), cores: runtime.NumCPU(), goVersion: runtime.Version(), loadStart: loadavg()}
	m.cpu = "unknown"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			k, v, ok := strings.Cut(line, ":")
			switch k = strings.TrimSpace(k); {
			case !ok:
			case k == "model name" && m.cpu == "unknown":
				m.cpu = strings.TrimSpace(v)
			case k == "flags" && strings.Contains(" "+v+" ", " hypervisor "):
				m.virtual = true
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.kernel = "Linux " + strings.TrimSpace(string(b)) + " " + runtime.GOARCH
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		line, _, _ := strings.Cut(string(b), "\n")
		m.memTotal = strings.Join(strings.Fields(strings.TrimPrefix(line, "MemTotal:")), " ")
	}
	if out, err := exec.CommandContext(ctx, "git", "describe", "--always", "--dirty", "--abbrev=12").Output(); err == nil {
		m.commit = strings.TrimSpace(string(out))
	}
	if py != "" {
		out, err := exec.CommandContext(ctx, py, "-c", "import sys, boto3, moto; print(sys.version.split()[0], boto3.__version__, moto.__version__)").Output()
		if f := strings.Fields(string(out)); err == nil && len(f) == 3 {
			m.python, m.boto3, m.moto = f[0], f[1], f[2]
		}
	}
	return m
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func (m machine) rows() [][2]string {
	return [][2]string{
		{"date (UTC)", m.date.Format("2006-01-02 15:04")},
		{"commit", "`" + m.commit + "`"},
		{"CPU", fmt.Sprintf("%s, %d cores visible to Go%s", m.cpu, m.cores, map[bool]string{true: ", virtual machine (hypervisor flag set)"}[m.virtual])},
		{"memory", m.memTotal},
		{"OS", m.kernel},
		{"Go", m.goVersion},
		{"Python (baseline, moto)", m.python},
		{"boto3", m.boto3},
		{"moto", m.moto + " (`moto_server`, one process for the whole run, on loopback)"},
		{"load average (1, 5, 15 min) at start / end", m.loadStart + " / " + m.loadEnd},
		{"run time", m.duration.Round(time.Second).String()},
	}
}
