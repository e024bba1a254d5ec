package lambda_test

import (
	"strings"
	"testing"

	"github.com/originlock/originlock/emf"
	"github.com/originlock/originlock/internal/lambdaruntime"
)

// checkMetrics checks the EMF documents in a function's output: each is
// valid against the specification, in the Originlock namespace with the
// function's name as FunctionName, and holds none of the secret values,
// version IDs or tokens in secrets. It returns the documents.
func checkMetrics(t *testing.T, logs string, secrets ...string) []*emf.Document {
	t.Helper()
	var docs []*emf.Document
	for _, line := range strings.Split(logs, "\n") {
		if !strings.Contains(line, `"_aws"`) {
			continue
		}
		doc, err := emf.Parse([]byte(line))
		if err != nil {
			t.Errorf("invalid EMF document: %v", err)
			continue
		}
		for _, s := range secrets {
			if s != "" && strings.Contains(line, s) {
				t.Error("an EMF document holds a secret value, version ID or token")
			}
		}
		for _, m := range doc.Metrics() {
			if m.Namespace != "Originlock" || m.Dimension("FunctionName") != lambdaruntime.DefaultFunctionName {
				t.Errorf("metric %s: namespace %s, FunctionName %q; want Originlock, %s", m.Name, m.Namespace, m.Dimension("FunctionName"), lambdaruntime.DefaultFunctionName)
			}
		}
		docs = append(docs, doc)
	}
	t.Logf("%d EMF documents in the function's output", len(docs))
	return docs
}
