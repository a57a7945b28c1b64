package encode

import (
	"fmt"
	"path/filepath"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

// AudioSource is the sound of a video, mixed by ffmpeg alongside the
// pictures: an ffmpeg-go stream (inputs and a filter graph) that lasts
// exactly as long as the video. internal/soundtrack.Plan is one.
type AudioSource interface {
	Stream() (*ffmpeg.Stream, error)
}

// extras returns the streams and output options that carry what the video
// holds besides its pictures: sound, a soft subtitle track; and
// metadataFile, the FFMETADATA input for chapters, or "".
func (o Options) extras(f Format) (streams []*ffmpeg.Stream, args ffmpeg.KwArgs, err error) {
	args = ffmpeg.KwArgs{}
	if o.Audio != nil {
		if f.Audio == nil {
			return nil, nil, fmt.Errorf("%s cannot hold sound", f.Title)
		}
		a, err := o.Audio.Stream()
		if err != nil {
			return nil, nil, fmt.Errorf("plan the sound: %w", err)
		}
		streams = append(streams, a)
		for k, v := range f.Audio {
			args[k] = v
		}
	} else {
		args["an"] = ""
	}
	if o.SubtitlesFile != "" {
		if f.Subtitles == nil {
			return nil, nil, fmt.Errorf("%s cannot hold a subtitle track", f.Title)
		}
		abs, err := filepath.Abs(o.SubtitlesFile)
		if err != nil {
			return nil, nil, err
		}
		streams = append(streams, ffmpeg.Input("file:"+abs))
		for k, v := range f.Subtitles {
			args[k] = v
		}
	}
	return streams, args, nil
}

// withMetadata adds the chapters input to a finished argument list.
func (o Options) withMetadata(args []string) ([]string, error) {
	if o.MetadataFile == "" {
		return args, nil
	}
	return AddMetadataInput(args, o.MetadataFile)
}

// Extras returns the input streams and output options that add sound and
// a soft subtitle track to a video of format f, for code that builds its
// own ffmpeg command (joining a job's chunks); chapters go in with
// AddMetadataInput.
func Extras(f Format, audio AudioSource, subtitlesFile string) ([]*ffmpeg.Stream, ffmpeg.KwArgs, error) {
	return Options{Audio: audio, SubtitlesFile: subtitlesFile}.extras(f)
}
