package narrate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Utterance is one sentence to speak, in a voice and language.
type Utterance struct {
	Text  string
	Voice string // the engine's own name for it; "" for the engine's default
	Lang  string // the notes' language (front matter lang), "" if not known
}

// Engine turns text into speech.
type Engine interface {
	// ID names the engine, its version and every setting that changes
	// its sound (not a secret): it is part of the cache key, so a new
	// version of the engine synthesizes again.
	ID() string
	// Synthesize speaks u into the file out, in any audio format ffmpeg
	// reads. The error names what was run.
	Synthesize(ctx context.Context, u Utterance, out string) error
}

// MissingError is an engine that is not installed.
type MissingError struct {
	Engine  string // as --tts-engine names it, or the command
	Program string
	Install string // how to install it
}

func (e *MissingError) Error() string {
	return fmt.Sprintf("text-to-speech engine %s: %s is not installed (%s)", e.Engine, e.Program, e.Install)
}

const (
	installEspeak   = "install it with: apt-get install espeak-ng, or run .ci/install-deps.sh"
	installFestival = "install it with: apt-get install festival festvox-us-slt-hts, or run .ci/install-deps.sh"
)

// waitDelay is how long a synthesis program has to stop after an
// interrupt before it is killed, and to close its output after it exits.
const waitDelay = 2 * time.Second

// run runs a synthesis program and returns an error that shows its command
// and the end of what it wrote to stderr. A cancelled ctx interrupts it
// and what it started (a script's trap can clean up), and kills it after
// waitDelay; what is left of its process group after a stop or a failure
// is killed.
func run(ctx context.Context, path string, args []string, stdin io.Reader, stdout io.Writer) error {
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Stdin, cmd.Stdout = stdin, stdout
	var stderr tailBuffer
	cmd.Stderr = &stderr
	inGroup(cmd)
	cmd.WaitDelay = waitDelay
	err := cmd.Run()
	if err == nil {
		return nil
	}
	killGroup(cmd)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	msg := strings.TrimSpace(stderr.String())
	if msg != "" {
		msg = ": " + msg
	}
	return fmt.Errorf("%s: %w%s", commandLine(path, args), err, msg)
}

// commandLine is a command as a shell would read it, for messages.
func commandLine(path string, args []string) string {
	parts := []string{quote(filepath.Base(path))}
	for _, a := range args {
		parts = append(parts, quote(clipText(a, 60)))
	}
	return strings.Join(parts, " ")
}

func clipText(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func quote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=+,@{}", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// tailBuffer keeps the last 2 KiB written to it: a failing engine's last
// words are its reason.
type tailBuffer struct{ b []byte }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > 2048 {
		t.b = t.b[len(t.b)-2048:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return string(t.b) }

// version runs path with args and returns the first line it prints: an
// engine's version, for the cache key.
func version(ctx context.Context, path string, args ...string) (string, error) {
	var out bytes.Buffer
	if err := run(ctx, path, args, nil, &out); err != nil {
		return "", err
	}
	line, _, _ := strings.Cut(strings.TrimSpace(out.String()), "\n")
	return line, nil
}

// Espeak is espeak-ng: a formant synthesizer with voices for about a
// hundred languages; fast, robotic. Voice is an espeak-ng voice (en-us,
// de, en-us+f3); without one, the notes' language, else en-us.
type Espeak struct {
	Path, Version string
}

// NewEspeak finds espeak-ng on PATH and asks its version.
func NewEspeak(ctx context.Context) (*Espeak, error) {
	path, err := exec.LookPath("espeak-ng")
	if err != nil {
		return nil, &MissingError{Engine: "espeak-ng", Program: "espeak-ng", Install: installEspeak}
	}
	v, err := version(ctx, path, "--version")
	if err != nil {
		return nil, fmt.Errorf("text-to-speech engine espeak-ng: %w", err)
	}
	return &Espeak{Path: path, Version: v}, nil
}

// ID is espeak-ng with its version.
func (e *Espeak) ID() string { return "espeak-ng\x00" + e.Version }

var espeakVoiceRE = regexp.MustCompile(`^[A-Za-z0-9_+-]+$`)

// Synthesize runs espeak-ng -v VOICE -w OUT -f TEXTFILE.
func (e *Espeak) Synthesize(ctx context.Context, u Utterance, out string) error {
	voice := u.Voice
	if voice == "" {
		// espeak-ng names its voices in lower case: lang: en-GB is en-gb.
		voice = strings.ToLower(u.Lang)
	}
	if voice == "" {
		voice = "en-us"
	}
	if !espeakVoiceRE.MatchString(voice) {
		return fmt.Errorf("espeak-ng voice %q: want a name such as en-us, de or en-us+f3 (espeak-ng --voices lists them)", voice)
	}
	text := out + ".txt"
	if err := os.WriteFile(text, []byte(u.Text+"\n"), 0o600); err != nil {
		return err
	}
	defer os.Remove(text)
	// The text goes in a file: a sentence starting with "-" is not an option.
	return run(ctx, e.Path, []string{"-v", voice, "-w", out, "-f", text}, nil, nil)
}

// Festival is festival's text2wave, with an HTS voice by default
// (festvox-us-slt-hts: a statistical parametric voice, far more natural
// than espeak-ng's, English only). Voice is a festival voice name
// (cmu_us_slt_arctic_hts, kal_diphone).
type Festival struct {
	Path, Version string
	// Default is the voice used when none is named: the HTS voice if it
	// is installed, else "" (festival's own default).
	Default string
}

// festivalVoices is where Debian's festival voices are installed, one
// directory per voice under a directory per language.
const festivalVoices = "/usr/share/festival/voices"

// DefaultFestivalVoice is the voice festvox-us-slt-hts installs.
const DefaultFestivalVoice = "cmu_us_slt_arctic_hts"

// NewFestival finds text2wave (and festival, for its version) on PATH.
func NewFestival(ctx context.Context) (*Festival, error) {
	path, err := exec.LookPath("text2wave")
	if err != nil {
		return nil, &MissingError{Engine: "festival", Program: "text2wave", Install: installFestival}
	}
	f := &Festival{Path: path}
	if fest, err := exec.LookPath("festival"); err == nil {
		if f.Version, err = version(ctx, fest, "--version"); err != nil {
			return nil, fmt.Errorf("text-to-speech engine festival: %w", err)
		}
	}
	if festivalHasVoice(DefaultFestivalVoice) {
		f.Default = DefaultFestivalVoice
	}
	return f, nil
}

// festivalHasVoice reports whether a festival voice of that name is
// installed.
func festivalHasVoice(name string) bool {
	if !festivalVoiceRE.MatchString(name) {
		return false
	}
	m, _ := filepath.Glob(filepath.Join(festivalVoices, "*", name))
	return len(m) > 0
}

var festivalVoiceRE = regexp.MustCompile(`^[a-z0-9_]+$`)

// ID is festival with its version and default voice.
func (f *Festival) ID() string { return "festival\x00" + f.Version + "\x00" + f.Default }

// Synthesize runs text2wave -o OUT -eval (voice_VOICE) TEXTFILE.
func (f *Festival) Synthesize(ctx context.Context, u Utterance, out string) error {
	voice := u.Voice
	if voice == "" {
		voice = f.Default
	}
	// The voice goes into a Scheme expression: a name, nothing else.
	if voice != "" && !festivalVoiceRE.MatchString(voice) {
		return fmt.Errorf("festival voice %q: want a voice name such as %s", voice, DefaultFestivalVoice)
	}
	text := out + ".txt"
	if err := os.WriteFile(text, []byte(u.Text+"\n"), 0o600); err != nil {
		return err
	}
	defer os.Remove(text)
	args := []string{"-o", out}
	if voice != "" {
		args = append(args, "-eval", "(voice_"+voice+")")
	}
	return run(ctx, f.Path, append(args, text), nil, nil)
}

// Command runs a program the user names (--tts-command) for each
// utterance: a template of words, split as a shell would split them
// (quotes and backslashes, no variables or pipes: it is not run by a
// shell), in which {text} is the sentence, {textfile} a file holding it,
// {voice} and {lang} the voice and language, and {out} the audio file to
// write. Without {text} or {textfile} the sentence is on the program's
// stdin; without {out}, the audio is what it writes to stdout.
type Command struct {
	Template string
	args     []string
}

// NewCommand parses a --tts-command template and finds its program.
func NewCommand(template string) (*Command, error) {
	args, err := splitWords(template)
	if err != nil {
		return nil, fmt.Errorf("--tts-command %q: %w", template, err)
	}
	if len(args) == 0 {
		return nil, fmt.Errorf("--tts-command is empty")
	}
	if _, err := exec.LookPath(args[0]); err != nil {
		return nil, &MissingError{Engine: "--tts-command", Program: args[0], Install: "not found on PATH; name an installed program"}
	}
	return &Command{Template: template, args: args}, nil
}

// ID is the template: a changed command speaks again.
func (c *Command) ID() string { return "command\x00" + c.Template }

// Synthesize runs the template with its placeholders filled in.
func (c *Command) Synthesize(ctx context.Context, u Utterance, out string) error {
	textFile := out + ".txt"
	var usesText, usesOut bool
	args := make([]string, len(c.args)-1)
	for i, a := range c.args[1:] {
		usesText = usesText || strings.Contains(a, "{text}") || strings.Contains(a, "{textfile}")
		usesOut = usesOut || strings.Contains(a, "{out}")
		args[i] = strings.NewReplacer("{textfile}", textFile, "{text}", u.Text, "{voice}", u.Voice, "{lang}", u.Lang, "{out}", out).Replace(a)
	}
	if err := os.WriteFile(textFile, []byte(u.Text+"\n"), 0o600); err != nil {
		return err
	}
	defer os.Remove(textFile)
	var stdin io.Reader
	if !usesText {
		stdin = strings.NewReader(u.Text + "\n")
	}
	if usesOut {
		return run(ctx, c.args[0], args, stdin, nil)
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	err = run(ctx, c.args[0], args, stdin, f)
	return errors.Join(err, f.Close())
}

// splitWords splits s into words as a POSIX shell does, quotes and
// backslashes only.
func splitWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, errors.New("unclosed single quote")
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte(`"\$`+"`", s[i+1]) >= 0 {
					i++
				}
				cur.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, errors.New("unclosed double quote")
			}
			inWord = true
		case c == '\\':
			if i+1 < len(s) {
				i++
				cur.WriteByte(s[i])
			}
			inWord = true
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}
