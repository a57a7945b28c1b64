package encode

import (
	"encoding/binary"
	"fmt"
	"io"
)

// The frames go to ffmpeg as a minimal Matroska stream of uncompressed
// frames, each with its own timestamp, rather than as bare raw video. A
// frame that stands for n identical frames then crosses the pipe once, at
// the timestamp of its first frame; ffmpeg's constant-frame-rate output
// (-fps_mode cfr) repeats it up to the next timestamp, or, with VFR, keeps
// one long frame. Sending the bytes n times cost a pipe copy and a raw
// demux per repeat: for a still slide that was most of the work.
//
// Only what ffmpeg's demuxer needs is written: the EBML header, a Segment of
// unknown size (it is a stream), Info with a microsecond timestamp scale, one
// V_UNCOMPRESSED video track whose ColourSpace FourCC names the pixel
// format (or a V_MJPEG track of JPEG files), and one Cluster per frame
// holding one BlockGroup with the frame and its duration.

// Matroska element IDs used here.
const (
	idEBML               = 0x1A45DFA3
	idEBMLVersion        = 0x4286
	idEBMLReadVersion    = 0x42F7
	idEBMLMaxIDLength    = 0x42F2
	idEBMLMaxSizeLength  = 0x42F3
	idDocType            = 0x4282
	idDocTypeVersion     = 0x4287
	idDocTypeReadVersion = 0x4285
	idSegment            = 0x18538067
	idInfo               = 0x1549A966
	idTimestampScale     = 0x2AD7B1
	idMuxingApp          = 0x4D80
	idWritingApp         = 0x5741
	idTracks             = 0x1654AE6B
	idTrackEntry         = 0xAE
	idTrackNumber        = 0xD7
	idTrackUID           = 0x73C5
	idTrackType          = 0x83
	idFlagLacing         = 0x9C
	idCodecID            = 0x86
	idVideo              = 0xE0
	idPixelWidth         = 0xB0
	idPixelHeight        = 0xBA
	idColourSpace        = 0x2EB524
	idCluster            = 0x1F43B675
	idTimestamp          = 0xE7
	idBlockGroup         = 0xA0
	idBlock              = 0xA1
	idBlockDuration      = 0x9B
)

// mkvTimestampScale is one microsecond, in nanoseconds. Frame times are
// rounded to it; at any frame rate up to MaxFPS the error is far below half
// a frame, so ffmpeg maps every timestamp back to its exact frame.
const mkvTimestampScale = 1000

// fourCC maps our pixel formats to the FourCC ffmpeg's raw decoder knows.
var fourCC = map[string]string{
	"rgba":    "RGBA",
	"bgra":    "BGRA",
	"rgb24":   "RGB\x18",
	"yuv420p": "I420",
}

// element appends an EBML element with the given payload.
func element(dst []byte, id uint32, payload []byte) []byte {
	dst = appendID(dst, id)
	dst = appendSize(dst, uint64(len(payload)))
	return append(dst, payload...)
}

func appendID(dst []byte, id uint32) []byte {
	switch {
	case id > 0xFFFFFF:
		return append(dst, byte(id>>24), byte(id>>16), byte(id>>8), byte(id))
	case id > 0xFFFF:
		return append(dst, byte(id>>16), byte(id>>8), byte(id))
	case id > 0xFF:
		return append(dst, byte(id>>8), byte(id))
	}
	return append(dst, byte(id))
}

// appendSize writes an 8-byte EBML size: always long enough, never clever.
func appendSize(dst []byte, n uint64) []byte {
	return binary.BigEndian.AppendUint64(dst, n|1<<56)
}

func uintElement(dst []byte, id uint32, v uint64) []byte {
	return element(dst, id, binary.BigEndian.AppendUint64(nil, v))
}

// mkvHeader returns the stream header for frames of the given size and
// pixel format: an uncompressed track, or for JPEGPixFmt a V_MJPEG one
// (each frame a JPEG file).
func mkvHeader(width, height int, pixFmt string) ([]byte, error) {
	codec, cc := "V_UNCOMPRESSED", ""
	if pixFmt == JPEGPixFmt {
		codec = "V_MJPEG"
	} else {
		var ok bool
		if cc, ok = fourCC[pixFmt]; !ok {
			return nil, fmt.Errorf("no Matroska FourCC for pixel format %q", pixFmt)
		}
	}
	var ebml []byte
	ebml = uintElement(ebml, idEBMLVersion, 1)
	ebml = uintElement(ebml, idEBMLReadVersion, 1)
	ebml = uintElement(ebml, idEBMLMaxIDLength, 4)
	ebml = uintElement(ebml, idEBMLMaxSizeLength, 8)
	ebml = element(ebml, idDocType, []byte("matroska"))
	ebml = uintElement(ebml, idDocTypeVersion, 4)
	ebml = uintElement(ebml, idDocTypeReadVersion, 2)
	out := element(nil, idEBML, ebml)

	// A Segment of unknown size: ffmpeg reads Clusters until end of input.
	out = appendID(out, idSegment)
	out = append(out, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF)

	var info []byte
	info = uintElement(info, idTimestampScale, mkvTimestampScale)
	info = element(info, idMuxingApp, []byte("deckreel"))
	info = element(info, idWritingApp, []byte("deckreel"))
	out = element(out, idInfo, info)

	var video []byte
	video = uintElement(video, idPixelWidth, uint64(width))
	video = uintElement(video, idPixelHeight, uint64(height))
	if cc != "" {
		video = element(video, idColourSpace, []byte(cc))
	}
	var track []byte
	track = uintElement(track, idTrackNumber, 1)
	track = uintElement(track, idTrackUID, 1)
	track = uintElement(track, idTrackType, 1) // video
	track = uintElement(track, idFlagLacing, 0)
	track = element(track, idCodecID, []byte(codec))
	track = element(track, idVideo, video)
	out = element(out, idTracks, element(nil, idTrackEntry, track))
	return out, nil
}

// writeMKVFrame writes one Cluster with one BlockGroup holding pix, shown
// from start for dur microseconds. The duration matters for the last frame:
// without it ffmpeg would not know how long to repeat it. The header is
// built in a small buffer and the pixels written straight from pix, so
// nothing large is copied on our side.
func writeMKVFrame(w io.Writer, start, dur uint64, pix []byte) error {
	// Block payload: track number (vint 1), relative timestamp (int16 0),
	// flags (none), then the frame.
	blockHead := []byte{0x81, 0, 0, 0}
	blockSize := uint64(len(blockHead) + len(pix))
	durElem := uintElement(nil, idBlockDuration, dur)
	groupSize := 1 + 8 + blockSize + uint64(len(durElem))
	ts := uintElement(nil, idTimestamp, start)
	clusterSize := uint64(len(ts)) + 1 + 8 + groupSize

	hdr := make([]byte, 0, 96)
	hdr = appendID(hdr, idCluster)
	hdr = appendSize(hdr, clusterSize)
	hdr = append(hdr, ts...)
	hdr = appendID(hdr, idBlockGroup)
	hdr = appendSize(hdr, groupSize)
	hdr = append(hdr, durElem...)
	hdr = appendID(hdr, idBlock)
	hdr = appendSize(hdr, blockSize)
	hdr = append(hdr, blockHead...)
	if _, err := w.Write(hdr); err != nil {
		return err
	}
	_, err := w.Write(pix)
	return err
}

// frameMicros is the start time of frame n at fps, in microseconds.
func frameMicros(n int64, fps int) uint64 {
	return uint64((n*2_000_000/int64(fps) + 1) / 2)
}
