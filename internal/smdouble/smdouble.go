package smdouble

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
)

// Staging labels Secrets Manager uses for rotation.
const (
	Current  = "AWSCURRENT"
	Pending  = "AWSPENDING"
	Previous = "AWSPREVIOUS"
)

// Operation names, as Calls and Fault see them.
const (
	OpDescribeSecret           = "DescribeSecret"
	OpGetSecretValue           = "GetSecretValue"
	OpPutSecretValue           = "PutSecretValue"
	OpUpdateSecretVersionStage = "UpdateSecretVersionStage"
	OpListSecretVersionIDs     = "ListSecretVersionIds"
)

// SecretsManager is a test double of AWS Secrets Manager holding one secret.
// It moves staging labels as Secrets Manager does: moving AWSCURRENT leaves
// AWSPREVIOUS on the version that held it; a repeated PutSecretValue with the
// same token and data is a no-op and with other data fails;
// UpdateSecretVersionStage insists on RemoveFromVersionId when the label is
// attached elsewhere. DescribeSecret lists only versions with a label, as
// AWS does (moto also lists deprecated ones); ListSecretVersionIds with
// IncludeDeprecated lists them all. It is safe for concurrent use.
type SecretsManager struct {
	mu sync.Mutex
	// now stamps CreatedDate and LastChangedDate.
	now func() time.Time
	// fault: SetFault.
	fault func(op string) error

	name, arn       string
	rotationEnabled bool
	versions        map[string]*version
	order           []string
	lastChanged     time.Time
	calls           map[string]int
}

type version struct {
	value   *string
	binary  []byte
	stages  []string
	created time.Time
}

// New returns a double holding the secret name, whose AWSCURRENT version
// (ID currentID) holds secretString. now stamps dates (time.Now, or a test
// clock's Now).
func New(name, currentID, secretString string, now func() time.Time) *SecretsManager {
	s := &SecretsManager{
		now:      now,
		name:     name,
		arn:      "arn:aws:secretsmanager:us-east-1:123456789012:secret:" + name + "-AbCdEf",
		versions: map[string]*version{},
		calls:    map[string]int{},
	}
	s.versions[currentID] = &version{value: aws.String(secretString), created: now()}
	s.order = append(s.order, currentID)
	s.move(Current, currentID)
	return s
}

// ARN is the secret's ARN; the secret's name followed by "-AbCdEf".
func (s *SecretsManager) ARN() string { return s.arn }

// Name is the secret's name.
func (s *SecretsManager) Name() string { return s.name }

// SetFault makes every later call first call f with the operation's name
// (OpDescribeSecret, ...); an error f returns is the call's result, and
// nothing changes. f runs outside the double's lock, so it may block to hold
// a call while the test does something else. nil removes the fault.
func (s *SecretsManager) SetFault(f func(op string) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = f
}

// Calls returns how many times op was called.
func (s *SecretsManager) Calls(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[op]
}

// Stages returns each labelled version's staging labels.
func (s *SecretsManager) Stages() map[string][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stages()
}

func (s *SecretsManager) stages() map[string][]string {
	out := map[string][]string{}
	for id, v := range s.versions {
		if len(v.stages) > 0 {
			out[id] = slices.Clone(v.stages)
		}
	}
	return out
}

// ValueAt returns the secret string at a stage, if a version holds the stage
// and a value.
func (s *SecretsManager) ValueAt(stage string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range s.order {
		v := s.versions[id]
		if slices.Contains(v.stages, stage) && v.value != nil {
			return *v.value, true
		}
	}
	return "", false
}

// BeginRotation does what RotateSecret (RotateImmediately true) does before
// it invokes the rotation function: it enables rotation and puts AWSPENDING
// on a new version, token, without a value. Like Secrets Manager it refuses
// while another version holds AWSPENDING (a rotation that has not finished).
func (s *SecretsManager) BeginRotation(token string) error {
	return s.begin(token, false)
}

// BeginTestRotation does what RotateSecret with RotateImmediately=false
// does before it invokes the rotation function for testSecret alone: it
// enables rotation and puts AWSPENDING on a new version, token, holding a
// copy of AWSCURRENT's value.
func (s *SecretsManager) BeginTestRotation(token string) error {
	return s.begin(token, true)
}

func (s *SecretsManager) begin(token string, copyCurrent bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, v := range s.versions {
		if slices.Contains(v.stages, Pending) && !slices.Contains(v.stages, Current) {
			return &types.InvalidRequestException{Message: aws.String(fmt.Sprintf("A previous rotation isn't complete (version %s holds AWSPENDING). That rotation will be reattempted.", id))}
		}
	}
	if _, ok := s.versions[token]; ok {
		return &types.ResourceExistsException{Message: aws.String("A version with this ClientRequestToken already exists.")}
	}
	v := &version{created: s.now()}
	if copyCurrent {
		for _, id := range s.order {
			if cur := s.versions[id]; slices.Contains(cur.stages, Current) {
				v.value, v.binary = cur.value, slices.Clone(cur.binary)
			}
		}
	}
	s.rotationEnabled = true
	s.versions[token] = v
	s.order = append(s.order, token)
	s.move(Pending, token)
	s.lastChanged = s.now()
	return nil
}

// enter starts a call: it counts it, runs the fault outside the lock (so a
// fault may block, holding one call while the test does something else),
// then takes the lock and checks the secret ID (name, ARN or partial ARN).
// On success the caller holds s.mu and must release it.
func (s *SecretsManager) enter(op string, id *string) error {
	s.mu.Lock()
	s.calls[op]++
	fault := s.fault
	s.mu.Unlock()
	if fault != nil {
		if err := fault(op); err != nil {
			return err
		}
	}
	s.mu.Lock()
	if err := s.check(id); err != nil {
		s.mu.Unlock()
		return err
	}
	return nil
}

// check reports ResourceNotFound unless id names the secret.
func (s *SecretsManager) check(id *string) error {
	sid := aws.ToString(id)
	if sid != s.name && sid != s.arn && !(strings.HasPrefix(sid, "arn:") && strings.HasPrefix(s.arn, sid+"-") && len(s.arn) == len(sid)+7) {
		return &types.ResourceNotFoundException{Message: aws.String("Secrets Manager can't find the specified secret.")}
	}
	return nil
}

// move puts label on version id, taking it from any other version. Moving
// AWSCURRENT leaves AWSPREVIOUS on the version that held it.
func (s *SecretsManager) move(label, id string) {
	for other, v := range s.versions {
		if other == id || !slices.Contains(v.stages, label) {
			continue
		}
		v.stages = without(v.stages, label)
		if label == Current {
			for _, w := range s.versions {
				w.stages = without(w.stages, Previous)
			}
			v.stages = append(v.stages, Previous)
		}
	}
	if v := s.versions[id]; !slices.Contains(v.stages, label) {
		v.stages = append(v.stages, label)
	}
}

func without(labels []string, label string) []string {
	return slices.DeleteFunc(slices.Clone(labels), func(l string) bool { return l == label })
}
