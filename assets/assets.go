// Package assets holds the files deckreel embeds in its binary: the
// time-control script injected into every captured page, and the sample page
// that `deckreel demo` renders.
package assets

import (
	"embed"
	"io/fs"
	"strconv"
	"strings"
	"time"
)

//go:embed timecontrol.js
var timeControl string

//go:embed sample
var sample embed.FS

// TimeControlURL is the source URL the time-control script reports in
// stack traces, so that its frames can be told from the page's.
const TimeControlURL = "deckreel-timecontrol.js"

// TimeControlScript returns the time-control script with virtual time 0 set
// to epochMillis (Unix milliseconds) and ioTimeout the longest one load may
// hold virtual time, ready for Page.addScriptToEvaluateOnNewDocument.
func TimeControlScript(epochMillis int64, ioTimeout time.Duration) string {
	src := strings.Replace(timeControl, "const EPOCH = __DECKREEL_EPOCH__;", "const EPOCH = "+strconv.FormatInt(epochMillis, 10)+";", 1)
	src = strings.Replace(src, "const IO_TIMEOUT = __DECKREEL_IO_TIMEOUT__;", "const IO_TIMEOUT = "+strconv.FormatInt(ioTimeout.Milliseconds(), 10)+";", 1)
	return src + "\n//# sourceURL=" + TimeControlURL + "\n"
}

// Sample returns the embedded sample page tree; its entry point is
// index.html.
func Sample() fs.FS {
	sub, err := fs.Sub(sample, "sample")
	if err != nil {
		// fs.Sub fails only on an invalid path, which is a constant here.
		panic(err)
	}
	return sub
}
