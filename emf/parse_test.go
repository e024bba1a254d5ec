package emf_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/originlock/originlock/emf"
)

// valid is a document in the shape of the specification's example.
const valid = `{"_aws":{"Timestamp":1574109732004,"CloudWatchMetrics":[{"Namespace":"lambda-function-metrics","Dimensions":[["functionVersion"]],"Metrics":[{"Name":"time","Unit":"Milliseconds"}]}]},"functionVersion":"$LATEST","time":100,"requestId":"989ffbf8-9ace-4817-a57c-e4dd734019ee"}`

func TestParseValid(t *testing.T) {
	d, err := emf.Parse([]byte(valid))
	if err != nil {
		t.Fatal(err)
	}
	ms := d.Metrics()
	if len(ms) != 1 || ms[0].Name != "time" || ms[0].Unit != emf.Milliseconds || ms[0].Dimension("functionVersion") != "$LATEST" || ms[0].Sum() != 100 {
		t.Errorf("got %+v", ms)
	}
	if d.Timestamp.UnixMilli() != 1574109732004 {
		t.Errorf("timestamp %v", d.Timestamp)
	}
	// Optional members: no Unit (None), an empty dimension set, arrays,
	// StorageResolution.
	d, err = emf.Parse([]byte(`{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"n","Dimensions":[[]],"Metrics":[{"Name":"a"},{"Name":"b","StorageResolution":1}]}]},"a":[1,2.5],"b":3}`))
	if err != nil {
		t.Fatal(err)
	}
	if ms := d.Metrics(); len(ms) != 2 || ms[0].Unit != emf.None || ms[0].Sum() != 3.5 {
		t.Errorf("got %+v", ms)
	}
}

// TestParseRejects proves that Parse, the check the other tests rely on,
// refuses each way a document can break the specification.
func TestParseRejects(t *testing.T) {
	directive := func(d string) string {
		return `{"_aws":{"Timestamp":1,"CloudWatchMetrics":[` + d + `]},"fn":"x","m":1,"arr":[1,2],"s":"str"}`
	}
	hundred := "[" + strings.TrimSuffix(strings.Repeat("1,", 101), ",") + "]"
	var many []string
	for i := range 101 {
		many = append(many, fmt.Sprintf(`{"Name":"m%d"}`, i))
	}
	var dims []string
	for range 31 {
		dims = append(dims, `"fn"`)
	}
	cases := map[string]struct {
		line string
		want string // in the error
	}{
		"trailing data":           {valid + ` x`, "not an EMF document"},
		"not an object":           {`[1]`, "not an EMF document"},
		"no _aws":                 {`{"level":"INFO","msg":"hello"}`, "not an EMF document"},
		"_aws not an object":      {`{"_aws":1}`, "not a JSON object"},
		"no timestamp":            {`{"_aws":{"CloudWatchMetrics":[]}}`, "Timestamp missing"},
		"timestamp in seconds":    {`{"_aws":{"Timestamp":1.5,"CloudWatchMetrics":[]}}`, "Timestamp"},
		"timestamp a string":      {`{"_aws":{"Timestamp":"1","CloudWatchMetrics":[]}}`, "Timestamp"},
		"no directives":           {`{"_aws":{"Timestamp":1,"CloudWatchMetrics":[]}}`, "at least one directive"},
		"extra metadata member":   {`{"_aws":{"Timestamp":1,"CloudWatchMetrics":[],"Extra":1}}`, "Extra"},
		"no namespace":            {directive(`{"Dimensions":[["fn"]],"Metrics":[{"Name":"m"}]}`), "Namespace missing"},
		"empty namespace":         {directive(`{"Namespace":"","Dimensions":[["fn"]],"Metrics":[{"Name":"m"}]}`), "namespace"},
		"no dimensions":           {directive(`{"Namespace":"n","Metrics":[{"Name":"m"}]}`), "Dimensions missing"},
		"empty dimensions":        {directive(`{"Namespace":"n","Dimensions":[],"Metrics":[{"Name":"m"}]}`), "at least one dimension set"},
		"31 dimensions":           {directive(`{"Namespace":"n","Dimensions":[[` + strings.Join(dims, ",") + `]],"Metrics":[{"Name":"m"}]}`), "31 names"},
		"dimension not a member":  {directive(`{"Namespace":"n","Dimensions":[["nope"]],"Metrics":[{"Name":"m"}]}`), "dimension nope"},
		"dimension not a string":  {directive(`{"Namespace":"n","Dimensions":[["m"]],"Metrics":[{"Name":"m"}]}`), "dimension m"},
		"no metrics":              {directive(`{"Namespace":"n","Dimensions":[["fn"]]}`), "Metrics missing"},
		"101 metrics":             {directive(`{"Namespace":"n","Dimensions":[["fn"]],"Metrics":[` + strings.Join(many, ",") + `]}`), "101 definitions"},
		"metric without name":     {directive(`{"Namespace":"n","Dimensions":[["fn"]],"Metrics":[{"Unit":"Count"}]}`), "metric name"},
		"metric not a member":     {directive(`{"Namespace":"n","Dimensions":[["fn"]],"Metrics":[{"Name":"nope"}]}`), "metric nope"},
		"metric a string":         {directive(`{"Namespace":"n","Dimensions":[["fn"]],"Metrics":[{"Name":"s"}]}`), "metric s"},
		"101 values":              {strings.Replace(directive(`{"Namespace":"n","Dimensions":[["fn"]],"Metrics":[{"Name":"arr"}]}`), `[1,2]`, hundred, 1), "metric arr"},
		"unknown unit":            {directive(`{"Namespace":"n","Dimensions":[["fn"]],"Metrics":[{"Name":"m","Unit":"Furlongs"}]}`), "Furlongs"},
		"bad storage resolution":  {directive(`{"Namespace":"n","Dimensions":[["fn"]],"Metrics":[{"Name":"m","StorageResolution":5}]}`), "StorageResolution 5"},
		"extra directive member":  {directive(`{"Namespace":"n","Dimensions":[["fn"]],"Metrics":[{"Name":"m"}],"Extra":1}`), "Extra"},
		"extra definition member": {directive(`{"Namespace":"n","Dimensions":[["fn"]],"Metrics":[{"Name":"m","Extra":1}]}`), "Extra"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := emf.Parse([]byte(tc.line))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
			if strings.Contains(tc.want, "not an EMF") != errors.Is(err, emf.ErrNotEMF) {
				t.Errorf("errors.Is(%v, ErrNotEMF) is wrong", err)
			}
		})
	}
}
