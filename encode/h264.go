package encode

import (
	"bytes"
	"errors"
	"fmt"
)

// This file makes repeated frames nearly free in an H.264 stream at a
// constant frame rate. x264 encodes each distinct picture once (the frames
// reach it at variable frame rate), and every repeat is then written as a
// tiny P picture in which every macroblock is P_Skip: no residual, and a
// motion vector predicted from skipped neighbours, which is zero, so it
// decodes to exactly the picture before it. Encoding the repeats with x264
// instead costs about as much as encoding a new picture.
//
// The inserted pictures are reference pictures, so they take frame_num
// values; the frame_num of every later x264 slice up to the next IDR is
// shifted by the number inserted. That is only sound for a stream shaped
// for it, which the encoder asks x264 for: no B-frames (so
// pic_order_cnt_type is 2 and output order is decoding order), one
// reference frame (so a P picture after a run of skips references the last
// skip, which holds the same picture it was encoded against), and CAVLC
// entropy coding (so a skip slice is a single mb_skip_run). parseSPS and
// parsePPS check all of that and refuse anything else.

// H.264 NAL unit types used here.
const (
	nalSlice    = 1
	nalIDR      = 5
	nalSEI      = 6
	nalSPS      = 7
	nalPPS      = 8
	nalAUD      = 9
	nalTypeMask = 0x1f
)

// errStreamShape reports a stream the skip writer cannot extend safely.
var errStreamShape = errors.New("H.264 stream is not shaped for skip frames")

// bitReader reads an RBSP (emulation prevention already removed).
type bitReader struct {
	b   []byte
	pos int // in bits
}

func (r *bitReader) bit() (uint32, error) {
	if r.pos >= len(r.b)*8 {
		return 0, errors.New("read past the end of a NAL unit")
	}
	v := uint32(r.b[r.pos/8]>>(7-r.pos%8)) & 1
	r.pos++
	return v, nil
}

func (r *bitReader) bits(n int) (uint32, error) {
	var v uint32
	for range n {
		b, err := r.bit()
		if err != nil {
			return 0, err
		}
		v = v<<1 | b
	}
	return v, nil
}

func (r *bitReader) ue() (uint32, error) {
	zeros := 0
	for {
		b, err := r.bit()
		if err != nil {
			return 0, err
		}
		if b == 1 {
			break
		}
		zeros++
		if zeros > 31 {
			return 0, errors.New("bad Exp-Golomb code")
		}
	}
	rest, err := r.bits(zeros)
	if err != nil {
		return 0, err
	}
	return (1<<zeros - 1) + rest, nil
}

func (r *bitReader) se() (int32, error) {
	v, err := r.ue()
	if err != nil {
		return 0, err
	}
	if v%2 == 1 {
		return int32(v/2 + 1), nil
	}
	return -int32(v / 2), nil
}

// bitWriter builds an RBSP.
type bitWriter struct {
	b    []byte
	bitn int // bits used in the last byte, 0..7 (0: start a new byte)
}

func (w *bitWriter) bit(v uint32) {
	if w.bitn == 0 {
		w.b = append(w.b, 0)
	}
	if v&1 == 1 {
		w.b[len(w.b)-1] |= 1 << (7 - w.bitn)
	}
	w.bitn = (w.bitn + 1) % 8
}

func (w *bitWriter) bits(n int, v uint32) {
	for i := n - 1; i >= 0; i-- {
		w.bit(v >> i)
	}
}

func (w *bitWriter) ue(v uint32) {
	v++
	n := 0
	for t := v; t > 1; t >>= 1 {
		n++
	}
	w.bits(n, 0)
	w.bits(n+1, v)
}

func (w *bitWriter) se(v int32) {
	if v > 0 {
		w.ue(uint32(2*v - 1))
	} else {
		w.ue(uint32(-2 * v))
	}
}

// trailing writes rbsp_trailing_bits.
func (w *bitWriter) trailing() {
	w.bit(1)
	for w.bitn != 0 {
		w.bit(0)
	}
}

// unescape removes emulation prevention bytes (00 00 03 → 00 00).
func unescape(nal []byte) []byte {
	if !bytes.Contains(nal, []byte{0, 0, 3}) {
		return nal
	}
	out := make([]byte, 0, len(nal))
	zeros := 0
	for _, c := range nal {
		if zeros >= 2 && c == 3 {
			zeros = 0
			continue
		}
		out = append(out, c)
		if c == 0 {
			zeros++
		} else {
			zeros = 0
		}
	}
	return out
}

// escape inserts emulation prevention bytes where an RBSP would otherwise
// contain a start code prefix.
func escape(rbsp []byte) []byte {
	out := make([]byte, 0, len(rbsp)+len(rbsp)/64+4)
	zeros := 0
	for _, c := range rbsp {
		if zeros >= 2 && c <= 3 {
			out = append(out, 3)
			zeros = 0
		}
		out = append(out, c)
		if c == 0 {
			zeros++
		} else {
			zeros = 0
		}
	}
	return out
}

// spsInfo is what the skip writer needs from the sequence parameter set.
type spsInfo struct {
	log2MaxFrameNum int
	mbs             uint32 // macroblocks per picture
	separatePlanes  bool
}

// ppsInfo is what it needs from the picture parameter set.
type ppsInfo struct {
	id                uint32
	weightedPred      bool
	deblockingControl bool
	redundantPicCnt   bool
}

// parseSPS reads an SPS NAL unit (header byte included).
func parseSPS(nal []byte) (spsInfo, error) {
	r := &bitReader{b: unescape(nal[1:])}
	var s spsInfo
	profile, err := r.bits(8)
	if err != nil {
		return s, err
	}
	if _, err := r.bits(16); err != nil { // constraint flags, level
		return s, err
	}
	if _, err := r.ue(); err != nil { // seq_parameter_set_id
		return s, err
	}
	switch profile {
	case 100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135:
		chroma, err := r.ue()
		if err != nil {
			return s, err
		}
		if chroma == 3 {
			sep, err := r.bit()
			if err != nil {
				return s, err
			}
			s.separatePlanes = sep == 1
		}
		for range 2 { // bit depths
			if _, err := r.ue(); err != nil {
				return s, err
			}
		}
		if _, err := r.bit(); err != nil { // qpprime_y_zero_transform_bypass
			return s, err
		}
		scaling, err := r.bit()
		if err != nil {
			return s, err
		}
		if scaling == 1 {
			return s, fmt.Errorf("%w: SPS has scaling matrices", errStreamShape)
		}
	}
	v, err := r.ue()
	if err != nil {
		return s, err
	}
	s.log2MaxFrameNum = int(v) + 4
	pocType, err := r.ue()
	if err != nil {
		return s, err
	}
	if pocType != 2 {
		return s, fmt.Errorf("%w: pic_order_cnt_type %d (B-frames?), want 2", errStreamShape, pocType)
	}
	refs, err := r.ue()
	if err != nil {
		return s, err
	}
	if refs != 1 {
		return s, fmt.Errorf("%w: %d reference frames, want 1", errStreamShape, refs)
	}
	if _, err := r.bit(); err != nil { // gaps_in_frame_num_value_allowed_flag
		return s, err
	}
	w, err := r.ue()
	if err != nil {
		return s, err
	}
	h, err := r.ue()
	if err != nil {
		return s, err
	}
	frameMbsOnly, err := r.bit()
	if err != nil {
		return s, err
	}
	if frameMbsOnly != 1 {
		return s, fmt.Errorf("%w: interlaced", errStreamShape)
	}
	s.mbs = (w + 1) * (h + 1)
	return s, nil
}

// parsePPS reads a PPS NAL unit (header byte included).
func parsePPS(nal []byte) (ppsInfo, error) {
	r := &bitReader{b: unescape(nal[1:])}
	var p ppsInfo
	var err error
	if p.id, err = r.ue(); err != nil {
		return p, err
	}
	if _, err = r.ue(); err != nil { // seq_parameter_set_id
		return p, err
	}
	cabac, err := r.bit()
	if err != nil {
		return p, err
	}
	if cabac == 1 {
		return p, fmt.Errorf("%w: CABAC entropy coding, want CAVLC", errStreamShape)
	}
	if _, err = r.bit(); err != nil { // bottom_field_pic_order_in_frame_present_flag
		return p, err
	}
	groups, err := r.ue()
	if err != nil {
		return p, err
	}
	if groups != 0 {
		return p, fmt.Errorf("%w: slice groups", errStreamShape)
	}
	for range 2 { // num_ref_idx_l0/l1_default_active_minus1
		if _, err = r.ue(); err != nil {
			return p, err
		}
	}
	wp, err := r.bit()
	if err != nil {
		return p, err
	}
	p.weightedPred = wp == 1
	if _, err = r.bits(2); err != nil { // weighted_bipred_idc
		return p, err
	}
	for range 3 { // pic_init_qp_minus26, pic_init_qs_minus26, chroma_qp_index_offset
		if _, err = r.se(); err != nil {
			return p, err
		}
	}
	dbf, err := r.bit()
	if err != nil {
		return p, err
	}
	p.deblockingControl = dbf == 1
	if _, err = r.bit(); err != nil { // constrained_intra_pred_flag
		return p, err
	}
	rpc, err := r.bit()
	if err != nil {
		return p, err
	}
	p.redundantPicCnt = rpc == 1
	return p, nil
}

// skipStream follows an x264 Annex B stream access unit by access unit,
// renumbers frame_num after inserted pictures and makes the skip pictures.
type skipStream struct {
	sps    spsInfo
	pps    ppsInfo
	hasSPS bool
	hasPPS bool
	// frameNum is the frame_num of the last reference picture written.
	frameNum uint32
	// shift is added to x264's frame_num since the last IDR.
	shift uint32
}

// rewrite processes one access unit (a sequence of NAL units with start
// codes) from x264 and returns it as it must be written.
func (s *skipStream) rewrite(au []byte) ([]byte, error) {
	out := make([]byte, 0, len(au)+8)
	for _, nal := range splitNALs(au) {
		if len(nal) == 0 {
			continue
		}
		switch nal[0] & nalTypeMask {
		case nalSPS:
			sps, err := parseSPS(nal)
			if err != nil {
				return nil, err
			}
			s.sps, s.hasSPS = sps, true
		case nalPPS:
			pps, err := parsePPS(nal)
			if err != nil {
				return nil, err
			}
			s.pps, s.hasPPS = pps, true
		case nalIDR, nalSlice:
			var err error
			if nal, err = s.renumber(nal); err != nil {
				return nil, err
			}
		}
		out = append(out, 0, 0, 0, 1)
		out = append(out, nal...)
	}
	return out, nil
}

// renumber adds the current shift to a slice's frame_num and records it.
func (s *skipStream) renumber(nal []byte) ([]byte, error) {
	if !s.hasSPS || !s.hasPPS {
		return nil, errors.New("slice before SPS and PPS")
	}
	idr := nal[0]&nalTypeMask == nalIDR
	if idr {
		s.shift = 0
	}
	rbsp := unescape(nal[1:])
	r := &bitReader{b: rbsp}
	for range 3 { // first_mb_in_slice, slice_type, pic_parameter_set_id
		if _, err := r.ue(); err != nil {
			return nil, err
		}
	}
	if s.sps.separatePlanes {
		if _, err := r.bits(2); err != nil {
			return nil, err
		}
	}
	at := r.pos
	fn, err := r.bits(s.sps.log2MaxFrameNum)
	if err != nil {
		return nil, err
	}
	mask := uint32(1)<<s.sps.log2MaxFrameNum - 1
	nfn := (fn + s.shift) & mask
	if (nal[0]>>5)&3 != 0 { // nal_ref_idc: a reference picture
		s.frameNum = nfn
	}
	if s.shift == 0 {
		return nal, nil
	}
	// frame_num is a fixed-width field, so it is overwritten in place.
	out := bytes.Clone(rbsp)
	for i := range s.sps.log2MaxFrameNum {
		p := at + i
		if (nfn>>(s.sps.log2MaxFrameNum-1-i))&1 == 1 {
			out[p/8] |= 1 << (7 - p%8)
		} else {
			out[p/8] &^= 1 << (7 - p%8)
		}
	}
	return append([]byte{nal[0]}, escape(out)...), nil
}

// skipAU returns an access unit that repeats the previous picture: an
// access unit delimiter and one P slice of PicSizeInMbs skipped
// macroblocks. It is a reference picture with the next frame_num, and every
// later x264 slice is renumbered to follow it.
func (s *skipStream) skipAU() ([]byte, error) {
	if !s.hasSPS || !s.hasPPS {
		return nil, errors.New("repeat before the first picture")
	}
	mask := uint32(1)<<s.sps.log2MaxFrameNum - 1
	s.frameNum = (s.frameNum + 1) & mask
	s.shift = (s.shift + 1) & mask

	w := &bitWriter{}
	w.ue(0) // first_mb_in_slice
	w.ue(5) // slice_type: P, and so are all slices of the picture
	w.ue(s.pps.id)
	if s.sps.separatePlanes {
		w.bits(2, 0)
	}
	w.bits(s.sps.log2MaxFrameNum, s.frameNum)
	// frame_mbs_only_flag is 1, not IDR, pic_order_cnt_type 2: nothing
	// more until redundant_pic_cnt.
	if s.pps.redundantPicCnt {
		w.ue(0)
	}
	w.bit(1) // num_ref_idx_active_override_flag
	w.ue(0)  // num_ref_idx_l0_active_minus1: one reference
	w.bit(0) // ref_pic_list_modification_flag_l0
	if s.pps.weightedPred {
		w.ue(0) // luma_log2_weight_denom
		w.ue(0) // chroma_log2_weight_denom (4:2:0)
		w.bit(0)
		w.bit(0) // no luma or chroma weights for the one reference
	}
	w.bit(0) // adaptive_ref_pic_marking_mode_flag: sliding window
	w.se(0)  // slice_qp_delta
	if s.pps.deblockingControl {
		w.ue(1) // disable_deblocking_filter_idc: nothing to filter
	}
	w.ue(s.sps.mbs) // mb_skip_run: the whole picture
	w.trailing()

	au := []byte{0, 0, 0, 1, nalAUD, 0x30} // AUD, primary_pic_type 1 (I, P)
	au = append(au, 0, 0, 0, 1, 0x20|nalSlice)
	return append(au, escape(w.b)...), nil
}

// splitNALs splits an Annex B byte stream into NAL units without their
// start codes.
func splitNALs(b []byte) [][]byte {
	var out [][]byte
	start := -1
	for i := 0; i+2 < len(b); {
		if b[i] == 0 && b[i+1] == 0 && b[i+2] == 1 {
			if start >= 0 {
				end := i
				for end > start && b[end-1] == 0 {
					end--
				}
				out = append(out, b[start:end])
			}
			i += 3
			start = i
			continue
		}
		i++
	}
	if start >= 0 && start <= len(b) {
		out = append(out, b[start:])
	}
	return out
}

// auSplitter cuts an Annex B byte stream into access units at access unit
// delimiters, which x264 writes with aud=1.
type auSplitter struct {
	buf     []byte
	scanned int // bytes of buf already searched for the next AUD
}

// feed adds bytes and returns the complete access units found so far.
func (a *auSplitter) feed(p []byte) [][]byte {
	a.buf = append(a.buf, p...)
	var aus [][]byte
	for {
		// The next AUD ends the current AU, which starts with its own
		// (a start code of up to four bytes and the AUD itself).
		i := nextAUD(a.buf, max(5, a.scanned))
		if i < 0 {
			a.scanned = max(5, len(a.buf)-4)
			return aus
		}
		aus = append(aus, bytes.Clone(a.buf[:i]))
		a.buf = append(a.buf[:0], a.buf[i:]...)
		a.scanned = 5
	}
}

// rest returns the last access unit at the end of the stream.
func (a *auSplitter) rest() []byte {
	r := a.buf
	a.buf, a.scanned = nil, 0
	return r
}

// nextAUD finds the start code of the next AUD NAL at or after from.
func nextAUD(b []byte, from int) int {
	for i := from; i+3 < len(b); i++ {
		if b[i] == 0 && b[i+1] == 0 && b[i+2] == 1 && b[i+3]&nalTypeMask == nalAUD {
			if i > 0 && b[i-1] == 0 {
				return i - 1 // four-byte start code
			}
			return i
		}
	}
	return -1
}
