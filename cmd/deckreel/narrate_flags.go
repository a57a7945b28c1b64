package main

import (
	"flag"

	"github.com/deckreel/deckreel/internal/narrate"
)

// narrateFlags are the flags of a narrated render, shared by render and
// inspect (whose timeline is then the voice's).
type narrateFlags struct {
	narrate bool
	voice   string
	engine  string
	command string
	url     string
	model   string
	keyEnv  string
	cache   string
}

func (o *narrateFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&o.narrate, "narrate", false, "decks: speak each slide's speaker notes with an offline voice; a slide lasts at least its speech, and a [next] in the notes starts its next build step or fragment there")
	fs.StringVar(&o.voice, "voice", "", "--narrate: the voice, in the engine's terms (festival: cmu_us_slt_arctic_hts; espeak-ng: en-us, de, en-us+f3); default from the deck's voice: or lang:")
	fs.StringVar(&o.engine, "tts-engine", narrate.EngineAuto, "--narrate: auto (festival's HTS voice for English, espeak-ng for other languages and espeak-ng voices), festival or espeak-ng")
	fs.StringVar(&o.command, "tts-command", "", "--narrate with any program: 'prog ... {text}|{textfile} ... {out}' run once per sentence ({voice}, {lang} too; without {text}/{textfile} the text is on stdin, without {out} the audio is its stdout); not run through a shell")
	fs.StringVar(&o.url, "tts-url", "", "--narrate through an OpenAI-compatible speech server (POST /v1/audio/speech); the notes are sent there, and only then does anything leave the machine")
	fs.StringVar(&o.model, "tts-model", "tts-1", "--tts-url: the model")
	fs.StringVar(&o.keyEnv, "tts-key-env", "DECKREEL_TTS_KEY", "--tts-url: the environment variable holding the server's API key (sent as a bearer token, never logged)")
	fs.StringVar(&o.cache, "tts-cache", "", "--narrate: where synthesized speech is kept, each sentence once (default $XDG_CACHE_HOME/deckreel/tts; a --job keeps its own in the job directory)")
}

// settings are the narration's settings, or nil without --narrate. set
// holds the flags given: a narration flag without --narrate is a mistake.
func (o *narrateFlags) settings(set map[string]bool) (*narrate.Settings, error) {
	if !o.narrate {
		for _, f := range []string{"voice", "tts-engine", "tts-command", "tts-url", "tts-model", "tts-key-env", "tts-cache"} {
			if set[f] {
				return nil, usagef("--%s needs --narrate", f)
			}
		}
		return nil, nil
	}
	switch {
	case o.command != "" && o.url != "":
		return nil, usagef("--tts-command and --tts-url are two engines: give one")
	case (o.command != "" || o.url != "") && set["tts-engine"]:
		return nil, usagef("--tts-engine picks a built-in engine; --tts-command and --tts-url replace it")
	case o.engine != narrate.EngineAuto && o.engine != narrate.EngineFestival && o.engine != narrate.EngineEspeak:
		return nil, usagef("--tts-engine %q: want auto, festival or espeak-ng", o.engine)
	}
	s := &narrate.Settings{Voice: o.voice, Command: o.command, URL: o.url, CacheDir: o.cache}
	if o.command == "" && o.url == "" {
		s.Engine = o.engine
	}
	if o.url != "" {
		s.Model, s.KeyEnv = o.model, o.keyEnv
	}
	if s.CacheDir == "" {
		dir, err := narrate.DefaultCacheDir()
		if err != nil {
			return nil, usagef("%v", err)
		}
		s.CacheDir = dir
	}
	return s, nil
}
