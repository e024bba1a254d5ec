package waf

import (
	"errors"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/wafv2/types"
)

// TestUpdateInputCopiesEveryField fails when the pinned SDK's
// UpdateWebACLInput has a field that updateInput does not fill from the web
// ACL it read: UpdateWebACL would reset that setting. Update updateInput
// when it fails after an SDK upgrade.
func TestUpdateInputCopiesEveryField(t *testing.T) {
	acl := &types.WebACL{}
	fill(t, reflect.ValueOf(acl).Elem())
	in := updateInput(acl, types.ScopeRegional, aws.String("token"))
	v := reflect.ValueOf(in).Elem()
	aclV := reflect.ValueOf(acl).Elem()
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if !f.IsExported() {
			continue
		}
		switch f.Name {
		case "Scope", "LockToken":
			if v.Field(i).IsZero() {
				t.Errorf("UpdateWebACLInput.%s is not set", f.Name)
			}
			continue
		}
		src := aclV.FieldByName(f.Name)
		if !src.IsValid() {
			t.Errorf("UpdateWebACLInput.%s has no counterpart in WebACL: decide how to keep it", f.Name)
			continue
		}
		if !reflect.DeepEqual(v.Field(i).Interface(), src.Interface()) {
			t.Errorf("UpdateWebACLInput.%s is not copied from the web ACL as read", f.Name)
		}
	}
}

// fill sets every exported field of v to a non-zero value.
func fill(t *testing.T, v reflect.Value) {
	t.Helper()
	for i := range v.NumField() {
		f := v.Field(i)
		if !v.Type().Field(i).IsExported() {
			continue
		}
		switch f.Kind() {
		case reflect.Pointer:
			p := reflect.New(f.Type().Elem())
			if p.Elem().Kind() == reflect.String {
				p.Elem().SetString("x")
			}
			f.Set(p)
		case reflect.Slice:
			f.Set(reflect.MakeSlice(f.Type(), 1, 1))
		case reflect.Map:
			m := reflect.MakeMap(f.Type())
			m.SetMapIndex(reflect.New(f.Type().Key()).Elem(), reflect.New(f.Type().Elem()).Elem())
			f.Set(m)
		case reflect.String:
			f.SetString("x")
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Int64, reflect.Int32:
			f.SetInt(1)
		}
	}
}

func byteMatch(header string, value string, c types.PositionalConstraint, tt ...types.TextTransformationType) types.Statement {
	var tts []types.TextTransformation
	for i, t := range tt {
		tts = append(tts, types.TextTransformation{Priority: int32(i), Type: t}) // #nosec G115 -- a test's handful
	}
	return types.Statement{ByteMatchStatement: &types.ByteMatchStatement{
		FieldToMatch:         &types.FieldToMatch{SingleHeader: &types.SingleHeader{Name: aws.String(header)}},
		PositionalConstraint: c, SearchString: []byte(value), TextTransformations: tts,
	}}
}

func TestParseRule(t *testing.T) {
	allow := &types.RuleAction{Allow: &types.AllowAction{}}
	ok := byteMatch("x-origin-verify", "value-a", types.PositionalConstraintExactly, types.TextTransformationTypeNone)
	ok2 := byteMatch("X-Origin-Verify", "value-b", types.PositionalConstraintExactly, types.TextTransformationTypeNone)
	good := map[string]types.Rule{
		"single byte match": {Action: allow, Statement: &ok},
		"or of two":         {Action: allow, Statement: &types.Statement{OrStatement: &types.OrStatement{Statements: []types.Statement{ok, ok2}}}},
	}
	for name, r := range good {
		m, err := parseRule(&r, "X-ORIGIN-VERIFY")
		if err != nil || m.header != "x-origin-verify" || len(m.values) == 0 {
			t.Errorf("%s: parse = %v, %v", name, m.values, err)
		}
		// What statement builds back parses to the same values.
		r.Statement = m.statement()
		if back, err := parseRule(&r, "x-origin-verify"); err != nil || !equalValues(back.values, m.values) {
			t.Errorf("%s: round trip = %v, %v", name, back.values, err)
		}
	}
	contains := byteMatch("x-origin-verify", "v", types.PositionalConstraintContains, types.TextTransformationTypeNone)
	lower := byteMatch("x-origin-verify", "v", types.PositionalConstraintExactly, types.TextTransformationTypeLowercase)
	other := byteMatch("x-other", "v", types.PositionalConstraintExactly, types.TextTransformationTypeNone)
	bad := map[string]types.Rule{
		"block action":     {Action: &types.RuleAction{Block: &types.BlockAction{}}, Statement: &ok},
		"no statement":     {Action: allow},
		"contains":         {Action: allow, Statement: &contains},
		"lowercase":        {Action: allow, Statement: &lower},
		"other header":     {Action: allow, Statement: &other},
		"and statement":    {Action: allow, Statement: &types.Statement{AndStatement: &types.AndStatement{Statements: []types.Statement{ok, ok2}}}},
		"or with non-byte": {Action: allow, Statement: &types.Statement{OrStatement: &types.OrStatement{Statements: []types.Statement{ok, {GeoMatchStatement: &types.GeoMatchStatement{}}}}}},
	}
	for name, r := range bad {
		if _, err := parseRule(&r, "X-Origin-Verify"); !errors.Is(err, ErrUnexpectedRule) {
			t.Errorf("%s: err = %v, want ErrUnexpectedRule", name, err)
		}
	}
}
