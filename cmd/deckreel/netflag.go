package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/deckreel/deckreel/capture"
)

// allowNetValue is --allow-net: alone (or =true) the internet, which never
// includes loopback and link-local addresses; =HOST:PORT,... only those
// hosts, which may be local ones (a dev server the page needs). It is a
// boolean flag to the flag package, so a list must follow an '='.
type allowNetValue struct {
	internet *bool
	hosts    *[]string
}

func (v allowNetValue) IsBoolFlag() bool { return true }

func (v allowNetValue) String() string {
	if v.internet == nil {
		return ""
	}
	if len(*v.hosts) > 0 {
		return strings.Join(*v.hosts, ",")
	}
	return strconv.FormatBool(*v.internet)
}

func (v allowNetValue) Set(s string) error {
	if b, err := strconv.ParseBool(s); err == nil {
		*v.internet, *v.hosts = b, nil
		return nil
	}
	hosts, err := capture.ParseHostList(s)
	if err != nil {
		return fmt.Errorf("want --allow-net alone (the internet) or --allow-net=HOST:PORT,...: %w", err)
	}
	*v.internet, *v.hosts = false, hosts
	return nil
}
