package main

import (
	"strings"
	"testing"
)

// Recorded output of an authorizer container: a log record, EMF documents
// of three invocations (one also read the secret), and a record that is not
// EMF although it is JSON.
const containerA = `{"timestamp":"2026-11-23T17:00:00Z","level":"INFO","message":"authorizer function ready","secret":"originlock-demo"}
{"_aws":{"Timestamp":1795453200000,"CloudWatchMetrics":[{"Namespace":"Originlock","Dimensions":[["FunctionName","Outcome"]],"Metrics":[{"Name":"Decisions","Unit":"Count"}]}]},"FunctionName":"test-function","Outcome":"current","Decisions":1}
{"_aws":{"Timestamp":1795453200100,"CloudWatchMetrics":[{"Namespace":"Originlock","Dimensions":[["FunctionName","Outcome"]],"Metrics":[{"Name":"Decisions","Unit":"Count"}]},{"Namespace":"Originlock","Dimensions":[["FunctionName","Cause"]],"Metrics":[{"Name":"SecretReads","Unit":"Count"}]},{"Namespace":"Originlock","Dimensions":[["FunctionName"]],"Metrics":[{"Name":"SecretReadFailures","Unit":"Count"},{"Name":"SecretReadLatency","Unit":"Milliseconds"}]}]},"FunctionName":"test-function","Outcome":"pending","Cause":"miss","Decisions":1,"SecretReads":1,"SecretReadFailures":0,"SecretReadLatency":4.2}
{"_aws":{"Timestamp":1795453200200,"CloudWatchMetrics":[{"Namespace":"Originlock","Dimensions":[["FunctionName","Outcome"]],"Metrics":[{"Name":"Decisions","Unit":"Count"}]}]},"FunctionName":"test-function","Outcome":"deny","Decisions":1}
{"level":"WARN","message":"something else","decision":"deny"}
`

const containerB = `{"_aws":{"Timestamp":1795453200300,"CloudWatchMetrics":[{"Namespace":"Originlock","Dimensions":[["FunctionName","Outcome"]],"Metrics":[{"Name":"Decisions","Unit":"Count"}]}]},"FunctionName":"test-function","Outcome":"current","Decisions":2}
{"_aws":{"Timestamp":1795453200400,"CloudWatchMetrics":[{"Namespace":"Originlock","Dimensions":[["FunctionName","Outcome"]],"Metrics":[{"Name":"Decisions","Unit":"Count"}]},{"Namespace":"Originlock","Dimensions":[["FunctionName","Reason"]],"Metrics":[{"Name":"UnavailableDecisions","Unit":"Count"}]}]},"FunctionName":"test-function","Outcome":"unavailable","Reason":"cooldown","Decisions":1,"UnavailableDecisions":1}
{"_aws":{"Timestamp":1795453200500,"CloudWatchMetrics":[{"Namespace":"Originlock","Dimensions":[["FunctionName","Outcome"]],"Metrics":[{"Name":"Decisions","Unit":"Count"}]}]},"FunctionName":"test-function","Outcome":"previous","Decisions":1}
`

func TestReadDecisions(t *testing.T) {
	d, err := readDecisions(containerA, containerB)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"current": 3, "pending": 1, "deny": 1, "unavailable": 1, "previous": 1}
	for s, v := range want {
		if d.byStage[s] != v {
			t.Errorf("%s: %v, want %v", s, d.byStage[s], v)
		}
	}
	if len(d.byStage) != len(want) || d.documents != 6 || d.total() != 7 {
		t.Errorf("got %+v, total %v; want 6 documents, 7 decisions", d, d.total())
	}
	if got, want := d.String(), "current 3, pending 1, previous 1, deny 1, unavailable 1 (6 EMF documents)"; got != want {
		t.Errorf("summary line %q, want %q", got, want)
	}
}

func TestReadDecisionsNone(t *testing.T) {
	d, err := readDecisions(`{"level":"INFO","message":"ready"}` + "\nplain text\n")
	if err != nil || d.documents != 0 || d.total() != 0 {
		t.Fatalf("got %+v, %v", d, err)
	}
	if !strings.HasPrefix(d.String(), "none") {
		t.Errorf("summary line %q", d.String())
	}
}

func TestReadDecisionsRejectsBadEMF(t *testing.T) {
	bad := `{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"Originlock","Dimensions":[["Outcome"]],"Metrics":[{"Name":"Decisions","Unit":"Count"}]}]},"Decisions":1}`
	if _, err := readDecisions(bad); err == nil || !strings.Contains(err.Error(), "Outcome") {
		t.Errorf("got %v, want an error naming the missing dimension", err)
	}
}
