package frames

// bufferPool is a free list of frame buffers, all of one size, owned by one
// Run call. A 1080p RGBA frame is 8 MB; allocating one per frame would make
// the garbage collector run every few frames.
//
// It is a buffered channel rather than a sync.Pool because the set of
// buffers in use is small and steady (the workers, the writer, the reorder
// buffer), and sync.Pool drops its contents at every other GC cycle, which
// 8 MB allocations trigger often. Both operations are non-blocking: get
// allocates when the list is empty, and put drops the buffer for the
// garbage collector when the list is full, so the list never holds more
// than its capacity however large the reorder buffer grew.
type bufferPool struct {
	size int
	free chan []byte
}

func newBufferPool(size, capacity int) *bufferPool {
	return &bufferPool{size: size, free: make(chan []byte, capacity)}
}

// get returns a buffer of p.size bytes with undefined contents.
func (p *bufferPool) get() []byte {
	select {
	case b := <-p.free:
		return b
	default:
		return make([]byte, p.size)
	}
}

// put hands b back for reuse. Buffers that did not come from get are welcome
// too (the decoder's own pixels, on the RGBA fast path) if they are large
// enough; the caller must not use b afterwards. A pool of frames of no
// fixed size (JPEG) keeps nothing.
func (p *bufferPool) put(b []byte) {
	if p.size == 0 || cap(b) < p.size {
		return
	}
	select {
	case p.free <- b[:p.size]:
	default:
	}
}
