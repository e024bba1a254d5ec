//go:build unix

package lambdaruntime_test

import "syscall"

// processAlive reports whether process pid exists (the harness reaps its
// children, so an exited one is gone).
func processAlive(pid int) bool {
	return pid > 0 && syscall.Kill(pid, 0) == nil
}
