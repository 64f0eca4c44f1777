// Command ferretdb-test-server runs FerretDB (embedded, SQLite handler) on a TCP address
// of loopback for the test suites. FerretDB's own cmd/ferretdb is not used: built from the
// module zip it panics at start because build/version/version.txt is absent (FerretDB
// github.com/FerretDB/FerretDB/issues/2982); the embeddable package skips that check.
//
//	ferretdb-test-server -listen 127.0.0.1:PORT -data DIR
//
// It stops on SIGINT/SIGTERM. Logs go to stderr at the level given by -log-level.
package main

import (
	"context"
	"flag"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on (loopback only)")
	data := flag.String("data", "", "directory of the SQLite databases (created when missing)")
	level := flag.String("log-level", "warn", "debug, info, warn or error")
	flag.Parse()

	if *data == "" {
		slog.Error("-data is required")
		os.Exit(2)
	}
	if err := os.MkdirAll(*data, 0o755); err != nil {
		slog.Error("cannot create the data directory", "error", err)
		os.Exit(1)
	}
	dir, err := filepath.Abs(*data)
	if err != nil {
		slog.Error("bad data directory", "error", err)
		os.Exit(1)
	}

	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(*level)); err != nil {
		slog.Error("bad -log-level", "error", err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lvl}))

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
	})
	if err != nil {
		logger.Error("cannot start FerretDB", "error", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger.Info("FerretDB listening", "uri", *listen)
	if err := f.Run(ctx); err != nil {
		logger.Error("FerretDB stopped", "error", err)
		os.Exit(1)
	}
}
