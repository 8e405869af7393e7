// Command containerd-stargz-grpc, the conformance suite's build.
//
// This is the suite's own small entry point around the upstream stargz snapshotter library
// (github.com/containerd/stargz-snapshotter). It exists because the module that holds the upstream
// command (github.com/containerd/stargz-snapshotter/cmd) is not served by the Go module proxy this
// suite can reach, while the library's root module is. It is only used where the official release
// cannot be downloaded: on users' machines the official containerd-stargz-grpc release binary
// (sha256-checked, see helpers/versions.ts) is used instead.
//
// It runs the library's snapshotter as containerd's proxy snapshotter, with the upstream daemon's
// command line and config file format:
//
//	--config     TOML config file (default /etc/containerd-stargz-grpc/config.toml; a missing default is fine)
//	--log-level  trace, debug, info, warn, error, fatal or panic (JSON log lines on stderr)
//	--root       state directory (default /var/lib/containerd-stargz-grpc)
//	--address    unix socket of the snapshots gRPC API (default /run/containerd-stargz-grpc/containerd-stargz-grpc.sock)
//	--version    print the library version this was built from and exit
//
// Supported config: everything the library's service.Config reads (resolver mirrors and headers,
// [directory_cache], [fuse], prefetch and background-fetch switches, ...), metrics_address,
// no_prometheus and debug_address. Keys that need code only the cmd module has are refused at start
// with a message, rather than silently ignored: ipfs, metadata_store other than "memory",
// fuse_manager, kubeconfig_keychain and cri_keychain. Registry credentials come from the docker
// config (~/.docker/config.json), as with the upstream daemon.
//
// When started by systemd with Type=notify it reports READY=1 once the socket is listening.
package main

import (
	"context"
	"errors"
	"expvar"
	"flag"
	"fmt"
	golog "log"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"

	snapshotsapi "github.com/containerd/containerd/api/services/snapshots/v1"
	"github.com/containerd/containerd/v2/contrib/snapshotservice"
	"github.com/containerd/log"
	stargzfs "github.com/containerd/stargz-snapshotter/fs"
	memorymetadata "github.com/containerd/stargz-snapshotter/metadata/memory"
	"github.com/containerd/stargz-snapshotter/service"
	"github.com/containerd/stargz-snapshotter/service/keychain/dockerconfig"
	"github.com/containerd/stargz-snapshotter/version"
	metrics "github.com/docker/go-metrics"
	"github.com/pelletier/go-toml"
	"google.golang.org/grpc"
)

const (
	libraryModule     = "github.com/containerd/stargz-snapshotter"
	defaultAddress    = "/run/containerd-stargz-grpc/containerd-stargz-grpc.sock"
	defaultConfigPath = "/etc/containerd-stargz-grpc/config.toml"
	defaultRootDir    = "/var/lib/containerd-stargz-grpc"
)

// daemonConfig is the upstream daemon's config file: the library's service configuration at the top
// level, plus the keys the daemon itself reads.
type daemonConfig struct {
	service.Config

	MetricsAddress string `toml:"metrics_address"`
	NoPrometheus   bool   `toml:"no_prometheus"`
	DebugAddress   string `toml:"debug_address"`

	// Read only to refuse them (see unsupported).
	IPFS          bool              `toml:"ipfs"`
	MetadataStore string            `toml:"metadata_store"`
	FuseManager   fuseManagerConfig `toml:"fuse_manager"`
}

type fuseManagerConfig struct {
	Enable bool `toml:"enable"`
}

// loadConfig reads the TOML file with the same parser (go-toml v1) as the upstream daemon, so the
// library's `default:"..."` struct tags apply the same way. A missing file is only an error when it
// was asked for explicitly.
func loadConfig(path string, explicit bool) (*daemonConfig, error) {
	tree, err := toml.LoadFile(path)
	if errors.Is(err, os.ErrNotExist) && !explicit {
		tree, err = toml.TreeFromMap(map[string]interface{}{})
	}
	if err != nil {
		return nil, fmt.Errorf("failed to load config file %q: %w", path, err)
	}
	var cfg daemonConfig
	if err := tree.Unmarshal(&cfg); err != nil {
		return nil, fmt.Errorf("failed to parse config file %q: %w", path, err)
	}
	return &cfg, nil
}

// unsupported names the configured features this wrapper does not provide.
func unsupported(cfg *daemonConfig) error {
	var refused []string
	if cfg.IPFS {
		refused = append(refused, "ipfs = true")
	}
	if cfg.MetadataStore != "" && cfg.MetadataStore != "memory" {
		refused = append(refused, fmt.Sprintf("metadata_store = %q", cfg.MetadataStore))
	}
	if cfg.FuseManager.Enable {
		refused = append(refused, "fuse_manager.enable = true")
	}
	if cfg.KubeconfigKeychainConfig.EnableKeychain {
		refused = append(refused, "kubeconfig_keychain.enable_keychain = true")
	}
	if cfg.CRIKeychainConfig.EnableKeychain {
		refused = append(refused, "cri_keychain.enable_keychain = true")
	}
	if len(refused) == 0 {
		return nil
	}
	return fmt.Errorf("not supported by the conformance suite's containerd-stargz-grpc build "+
		"(use the official release binary for these): %v", refused)
}

// libraryVersion is the version of the snapshotter library linked into this binary.
func libraryVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == libraryModule {
				if dep.Replace != nil {
					return dep.Replace.Version
				}
				return dep.Version
			}
		}
	}
	return "unknown"
}

// notifySystemd sends a state line to systemd's notify socket, when started by systemd.
func notifySystemd(state string) error {
	socket := os.Getenv("NOTIFY_SOCKET")
	if socket == "" {
		return nil
	}
	// Go maps a leading "@" to Linux's abstract socket namespace.
	conn, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: socket, Net: "unixgram"})
	if err != nil {
		return err
	}
	defer conn.Close()
	_, err = conn.Write([]byte(state))
	return err
}

// listenUnix listens on a fresh unix socket at path, creating its directory.
func listenUnix(path string) (net.Listener, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	if err := os.RemoveAll(path); err != nil {
		return nil, err
	}
	return net.Listen("unix", path)
}

func serveHTTP(ctx context.Context, what string, l net.Listener, h http.Handler, errCh chan<- error) {
	log.G(ctx).Infof("serving %s on %s", what, l.Addr())
	go func() {
		if err := http.Serve(l, h); err != nil {
			errCh <- fmt.Errorf("%s on %s: %w", what, l.Addr(), err)
		}
	}()
}

func debugHandler() http.Handler {
	m := http.NewServeMux()
	m.Handle("/debug/vars", expvar.Handler())
	m.HandleFunc("/debug/pprof/", pprof.Index)
	m.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	m.HandleFunc("/debug/pprof/profile", pprof.Profile)
	m.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	m.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return m
}

func run() error {
	var (
		address     = flag.String("address", defaultAddress, "unix socket of the snapshots gRPC API")
		configPath  = flag.String("config", defaultConfigPath, "path to the TOML configuration file")
		logLevel    = flag.String("log-level", log.InfoLevel.String(), "trace, debug, info, warn, error, fatal or panic")
		rootDir     = flag.String("root", defaultRootDir, "state directory of the snapshotter")
		showVersion = flag.Bool("version", false, "print the version and exit")
	)
	flag.Parse()

	lib := libraryVersion()
	version.Version = lib
	if *showVersion {
		fmt.Printf("containerd-stargz-grpc %s (conformance suite build: d7y-conformance/stargz-grpc around %s %s)\n",
			lib, libraryModule, lib)
		return nil
	}

	if err := log.SetFormat(log.JSONFormat); err != nil {
		return err
	}
	if err := log.SetLevel(*logLevel); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	ctx := log.WithLogger(context.Background(), log.L)
	// go-fuse logs through the standard library logger: keep that at debug level.
	golog.SetOutput(log.G(ctx).WriterLevel(log.DebugLevel))

	explicit := false
	flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "config" })
	cfg, err := loadConfig(*configPath, explicit)
	if err != nil {
		return err
	}
	if err := unsupported(cfg); err != nil {
		return err
	}
	// FUSE passthrough needs file-backed cache reads.
	if cfg.PassThrough {
		cfg.Direct = true
	}
	if err := service.Supported(*rootDir); err != nil {
		return fmt.Errorf("snapshotter is not supported with root %q: %w", *rootDir, err)
	}

	snapshotter, err := service.NewStargzSnapshotterService(ctx, *rootDir, &cfg.Config,
		service.WithCredsFuncs(dockerconfig.NewDockerconfigKeychain(ctx)),
		service.WithFilesystemOptions(
			stargzfs.WithMetricsLogLevel(log.InfoLevel),
			stargzfs.WithMetadataStore(memorymetadata.NewReader),
		))
	if err != nil {
		return fmt.Errorf("failed to create the snapshotter: %w", err)
	}
	defer func() {
		log.G(ctx).Debug("closing the snapshotter")
		if err := snapshotter.Close(); err != nil {
			log.G(ctx).WithError(err).Warn("failed to close the snapshotter")
		}
	}()

	rpc := grpc.NewServer()
	snapshotsapi.RegisterSnapshotsServer(rpc, snapshotservice.FromSnapshotter(snapshotter))

	errCh := make(chan error, 3)
	if cfg.MetricsAddress != "" && !cfg.NoPrometheus {
		l, err := net.Listen("tcp", cfg.MetricsAddress)
		if err != nil {
			return fmt.Errorf("metrics_address: %w", err)
		}
		m := http.NewServeMux()
		m.Handle("/metrics", metrics.Handler())
		serveHTTP(ctx, "metrics", l, m, errCh)
	}
	if cfg.DebugAddress != "" {
		l, err := listenUnix(cfg.DebugAddress)
		if err != nil {
			return fmt.Errorf("debug_address: %w", err)
		}
		serveHTTP(ctx, "debug endpoints", l, debugHandler(), errCh)
	}

	l, err := listenUnix(*address)
	if err != nil {
		return fmt.Errorf("failed to listen on %q: %w", *address, err)
	}
	go func() {
		if err := rpc.Serve(l); err != nil {
			errCh <- fmt.Errorf("snapshots API on %q: %w", *address, err)
		}
	}()
	log.G(ctx).WithField("address", *address).WithField("version", lib).Info("serving the stargz snapshotter")
	if err := notifySystemd("READY=1"); err != nil {
		log.G(ctx).WithError(err).Warn("failed to notify systemd")
	}

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	select {
	case s := <-signals:
		log.G(ctx).Infof("got %v, shutting down", s)
	case err := <-errCh:
		return err
	}
	_ = notifySystemd("STOPPING=1")
	rpc.Stop()
	return nil
}

func main() {
	if err := run(); err != nil {
		// JSON once --log-level was applied, like every other line of the daemon.
		log.L.WithError(err).Error("containerd-stargz-grpc failed")
		os.Exit(1)
	}
}
