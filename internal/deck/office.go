package deck

import (
	"archive/zip"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Office files (.pptx, .odp, .ppt, .key) are converted to PDF by
// LibreOffice in headless mode and shown as a PDF deck (a .ppt or .key
// through a .pptx, whose notes deckreel reads). The conversion is
// cached by the file's content hash, as the PDF's pages are, so a second
// render, a job's shard or a resume does not start LibreOffice again. The
// speaker notes and slide titles are read from the file itself (see
// readOffice), since the PDF has neither.

// officeFormat names the layout of a cached LibreOffice conversion.
const officeFormat = "office-1"

// openOffice converts the office file rel (display in messages) to a PDF
// deck and reads its slides' titles and notes, in the order of its pages.
func (l *loader) openOffice(rel, display string) (*pdfDoc, []docSlide, error) {
	tmp, err := l.scratch()
	if err != nil {
		return nil, nil, err
	}
	// LibreOffice tells the format by the extension as well as the bytes.
	in := filepath.Join(tmp, "in"+strings.ToLower(path.Ext(rel)))
	sum, err := copyHashed(l.root, rel, display, in)
	if err != nil {
		return nil, nil, err
	}
	// A .pptx or .odp is read first, so a broken one fails before
	// LibreOffice starts; an older format is converted to .pptx, read, and
	// converted from there.
	readable := readsNotes(in)
	var slides []docSlide
	if readable {
		if slides, err = readOffice(in, display); err != nil {
			return nil, nil, err
		}
	}
	dir, err := l.cached(officeFormat, sum, func(out string) error {
		src := in
		if !readable {
			src = filepath.Join(out, "deck.pptx")
			if err := l.convertOffice(in, display, src); err != nil {
				return err
			}
		}
		return l.convertOffice(src, display, filepath.Join(out, "deck.pdf"))
	})
	if err != nil {
		return nil, nil, err
	}
	if !readable {
		if slides, err = readOffice(filepath.Join(dir, "deck.pptx"), display); err != nil {
			return nil, nil, err
		}
	}
	pdfDir, err := os.OpenRoot(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("open the conversion of %s: %w", display, err)
	}
	defer pdfDir.Close()
	doc, err := l.openPDF(pdfDir.FS(), "deck.pdf", display)
	if err != nil {
		return nil, nil, err
	}
	if slides != nil && len(slides) != len(doc.Pages) {
		l.warn(Warning{File: display, Msg: fmt.Sprintf("LibreOffice made %d pages of the %d shown slides: notes and titles may be on the wrong pages", len(doc.Pages), len(slides))})
	}
	return doc, slides, nil
}

// convertOffice runs LibreOffice to convert in into dst, whose extension
// names the format (.pdf, .pptx). It runs
// with a profile of its own in the load's scratch directory (so renders in
// parallel do not share, or wait for, one LibreOffice; see
// writeOfficeProfile for what it may do), and a deadline.
func (l *loader) convertOffice(in, display, dst string) error {
	tmp, err := l.scratch()
	if err != nil {
		return err
	}
	profile, err := os.MkdirTemp(tmp, "libreoffice-")
	if err != nil {
		return err
	}
	if err := writeOfficeProfile(profile); err != nil {
		return fmt.Errorf("convert %s: write LibreOffice's profile: %w", display, err)
	}
	outDir := filepath.Join(profile, "out")
	format := strings.TrimPrefix(filepath.Ext(dst), ".")
	// A dead port on loopback: linked images and fonts are not fetched.
	const noProxy = "http://127.0.0.1:9"
	t := tool{
		file: display, name: "soffice", timeout: OfficeTimeout,
		args: []string{"-env:UserInstallation=" + (&url.URL{Scheme: "file", Path: filepath.ToSlash(profile)}).String(),
			"--headless", "--invisible", "--norestore", "--nologo", "--nodefault", "--nolockcheck", "--nofirststartwizard",
			"--convert-to", format, "--outdir", outDir, in},
		env: []string{"HOME=" + profile, "SAL_USE_VCLPLUGIN=svp",
			"http_proxy=" + noProxy, "https_proxy=" + noProxy, "ftp_proxy=" + noProxy, "all_proxy=" + noProxy,
			"HTTP_PROXY=" + noProxy, "HTTPS_PROXY=" + noProxy, "ALL_PROXY=" + noProxy, "no_proxy=", "NO_PROXY="},
	}
	msgs, err := t.run(l.ctx)
	if errors.Is(err, errMissingTool) {
		return &Error{File: display, Msg: "converting a " + path.Ext(display) + " deck needs LibreOffice, which is not installed: apt-get install --no-install-recommends libreoffice-impress (or run .ci/install-deps.sh), or export the deck as PDF and render that"}
	}
	if err != nil {
		return err
	}
	made := filepath.Join(outDir, strings.TrimSuffix(filepath.Base(in), filepath.Ext(in))+"."+format)
	if _, err := os.Stat(made); err != nil {
		// LibreOffice exits 0 when it cannot load the file.
		hint := ""
		if strings.EqualFold(path.Ext(display), ".key") {
			hint = " (LibreOffice reads only Keynote files older than 2014: export the deck from Keynote as PowerPoint or PDF)"
		}
		return &Error{File: display, Msg: "LibreOffice could not convert it to " + format + hint + quote(msgs)}
	}
	return os.Rename(made, dst)
}

// writeOfficeProfile seeds a LibreOffice profile that never runs a
// document's macros, blocks links from untrusted documents, and reaches
// the network only through a proxy that is not there (a dead port on
// loopback), so a deck's linked images and fonts are not fetched. The
// settings are those of LibreOffice's registry (share/registry/main.xcd).
func writeOfficeProfile(dir string) error {
	user := filepath.Join(dir, "user")
	if err := os.MkdirAll(user, 0o700); err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
`)
	for _, it := range [][3]string{
		{"/org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution", "true"},
		{"/org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel", "3"},
		{"/org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks", "true"},
		{"/org.openoffice.Office.Common/Misc", "UseLocking", "false"},
		{"/org.openoffice.Office.Common/Misc", "PerformFileExtCheck", "false"},
		{"/org.openoffice.Inet/Settings", "ooInetProxyType", "2"},
		{"/org.openoffice.Inet/Settings", "ooInetHTTPProxyName", "127.0.0.1"},
		{"/org.openoffice.Inet/Settings", "ooInetHTTPProxyPort", "9"},
		{"/org.openoffice.Inet/Settings", "ooInetHTTPSProxyName", "127.0.0.1"},
		{"/org.openoffice.Inet/Settings", "ooInetHTTPSProxyPort", "9"},
		{"/org.openoffice.Inet/Settings", "ooInetFTPProxyName", "127.0.0.1"},
		{"/org.openoffice.Inet/Settings", "ooInetFTPProxyPort", "9"},
		{"/org.openoffice.Inet/Settings", "ooInetNoProxy", ""},
	} {
		fmt.Fprintf(&b, "<item oor:path=%q><prop oor:name=%q oor:op=\"fuse\"><value>%s</value></prop></item>\n", it[0], it[1], it[2])
	}
	b.WriteString("</oor:items>\n")
	return os.WriteFile(filepath.Join(user, "registrymodifications.xcu"), []byte(b.String()), 0o600)
}

// readsNotes reports whether readOffice reads the file at p, by its
// extension: .pptx (and .pptm, .ppsx) and .odp.
func readsNotes(p string) bool {
	switch strings.ToLower(filepath.Ext(p)) {
	case ".pptx", ".pptm", ".ppsx", ".odp":
		return true
	}
	return false
}

// readOffice reads the shown slides' titles and speaker notes of the
// office file at p, in presentation order: nil, nil for a format whose
// notes it does not read (see readsNotes).
func readOffice(p, display string) ([]docSlide, error) {
	if !readsNotes(p) {
		return nil, nil
	}
	ext := strings.ToLower(filepath.Ext(p))
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	z, err := zip.NewReader(f, st.Size())
	if err != nil {
		return nil, &Error{File: display, Msg: fmt.Sprintf("not a %s file (not a zip): %v", ext, err)}
	}
	if len(z.File) > MaxZipEntries {
		return nil, &Error{File: display, Msg: fmt.Sprintf("the file holds %d parts, more than %d, deckreel's limit", len(z.File), MaxZipEntries)}
	}
	pk := &zipParts{z: z, file: display}
	var slides []docSlide
	if ext == ".odp" {
		slides, err = odpSlides(pk)
	} else {
		slides, err = pptxSlides(pk)
	}
	if err != nil {
		return nil, err
	}
	if slides == nil {
		slides = []docSlide{}
	}
	return slides, nil
}
