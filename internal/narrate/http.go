package narrate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// HTTP speaks through an OpenAI-compatible speech server: POST
// {"model", "input", "voice", "response_format": "wav"} to
// <URL>/v1/audio/speech, the audio in the response. It is used only when
// the user names the server (--tts-url): nothing leaves the machine
// otherwise.
type HTTP struct {
	// Endpoint is the speech URL: --tts-url, with /v1/audio/speech added
	// when it names only the server.
	Endpoint string
	Model    string
	// Key, if set, is sent as a bearer token. It is in no message and not
	// in the cache key.
	Key    string
	Client *http.Client
	// Timeout bounds one sentence's request; 0 is two minutes.
	Timeout time.Duration
	// name is Endpoint for messages, without a password in it.
	name string
}

// defaultHTTPVoice is OpenAI's first voice, which compatible servers
// (openedai-speech, kokoro-fastapi, LocalAI) accept too.
const defaultHTTPVoice = "alloy"

// maxSpeechBytes bounds a server's answer for one sentence: a minute of
// 48 kHz stereo WAV is 11 MB.
const maxSpeechBytes = 64 << 20

// NewHTTP checks a --tts-url and makes its engine; the key is read from
// the environment by the caller.
func NewHTTP(rawURL, model, key string, client *http.Client) (*HTTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--tts-url %q: want an http(s) URL, such as http://localhost:8000", rawURL)
	}
	if !strings.HasSuffix(u.Path, "/audio/speech") {
		u.Path = strings.TrimSuffix(u.Path, "/") + "/v1/audio/speech"
	}
	if model == "" {
		model = "tts-1"
	}
	if client == nil {
		client = http.DefaultClient
	}
	return &HTTP{Endpoint: u.String(), Model: model, Key: key, Client: client, name: u.Redacted()}, nil
}

// ID is the endpoint and model (never the key).
func (h *HTTP) ID() string { return "http\x00" + h.Endpoint + "\x00" + h.Model }

// Synthesize posts the sentence and writes the audio the server answers.
func (h *HTTP) Synthesize(ctx context.Context, u Utterance, out string) error {
	voice := u.Voice
	if voice == "" {
		voice = defaultHTTPVoice
	}
	body, err := json.Marshal(map[string]string{"model": h.Model, "input": u.Text, "voice": voice, "response_format": "wav"})
	if err != nil {
		return err
	}
	timeout := h.Timeout
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.Endpoint, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if h.Key != "" {
		req.Header.Set("Authorization", "Bearer "+h.Key)
	}
	resp, err := h.Client.Do(req)
	if err != nil {
		// The url.Error's own text would name the endpoint with its
		// password; its cause names neither that nor the headers.
		return fmt.Errorf("POST %s: %w", h.name, errors.Unwrap(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		return fmt.Errorf("POST %s: %s: %s", h.name, resp.Status, strings.TrimSpace(string(msg)))
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	n, err := io.Copy(f, io.LimitReader(resp.Body, maxSpeechBytes+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	switch {
	case err != nil:
		return fmt.Errorf("POST %s: read the audio: %w", h.name, err)
	case n > maxSpeechBytes:
		return fmt.Errorf("POST %s: the audio of one sentence is over %d MB", h.name, maxSpeechBytes>>20)
	}
	return nil
}
