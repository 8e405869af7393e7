// Command containerd-stargz-grpc, the conformance suite's build.
//
// This is the suite's own small entry point around the upstream stargz snapshotter library
// (github.com/containerd/stargz-snapshotter). It exists because the module that holds the upstream
// command (github.com/containerd/stargz-snapshotter/cmd) is not served by the Go module proxy this
// suite can reach, while the library's root module is. It is only used where the official release
// cannot be downloaded: on users' machines the official containerd-stargz-grpc release binary
// (sha256-checked, see helpers/base/versions.ts) is used instead.
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
// no_prometheus, debug_address and [fuse_manager] (below). Keys that need code only the cmd module
// has are refused at start with a message, rather than silently ignored: ipfs, metadata_store other
// than "memory", kubeconfig_keychain and cri_keychain; so is fuse_manager.metrics_address with a
// library older than v0.19, which cannot pass it on. Registry credentials come from the docker
// config (~/.docker/config.json), as with the upstream daemon.
//
// # FUSE manager mode
//
// With the upstream daemon's
//
//	[fuse_manager]
//	enable = true
//	address = "/run/containerd-stargz-grpc/fuse-manager.sock"  # the default; must be absolute
//	path = "/usr/local/bin/stargz-fuse-manager"                # default: stargz-fuse-manager in $PATH
//	metrics_address = "127.0.0.1:8235"                         # library v0.19 and later only
//
// the lazily pulled layers are not served by this process but by a separate, detached FUSE manager
// process (the library's fusemanager package), and this process talks to it over the address
// socket. At start, if nothing listens on the socket yet, the library runs `<path> -action start
// ...`, which starts the manager in the background (its own process group, logging to
// <root>/stargz-fuse-manager.log) and returns once it answers; the snapshotter then restores every
// remote snapshot through it. If a manager already answers there (the snapshotter was restarted),
// it reconnects and leaves the mounts the manager still serves alone. A socket that nothing listens
// on any more (the manager was killed) is removed, with the manager's mount record
// (<root>/fusestore.db), and a new manager is started. On SIGTERM this process exits without
// unmounting anything, so restarting or upgrading it leaves running containers' root filesystems
// up; SIGINT unmounts every snapshot and cleans up first (the manager itself is then still
// running: stop it separately). Without the FUSE manager, either signal unmounts everything, as
// before.
//
// The FUSE manager is this same binary: invoked under the name stargz-fuse-manager (argv[0]'s base
// name), or with the manager's -fusestore-path flag that the library always passes to it, it runs
// the library's fusemanager entry point with this wrapper's filesystem options (memory metadata
// store, docker config credentials) instead of the snapshotter. The suite installs the binary a
// second time, as a copy, at /usr/local/bin/stargz-fuse-manager, so that the manager's process is
// told apart from the snapshotter's by name (ps, pgrep) as with the official release. It has to be
// a copy or a hard link, not a symlink, to keep that name: the manager re-executes itself through
// /proc/self/exe, which resolves symlinks (the flag check above still makes that work, under the
// snapshotter's name).
//
// Under systemd the manager stays in the snapshotter unit's cgroup (the library only gives it its
// own process group), so the unit needs KillMode=process, or stopping or restarting the unit kills
// the manager along with it.
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
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"

	snapshotsapi "github.com/containerd/containerd/api/services/snapshots/v1"
	"github.com/containerd/containerd/v2/contrib/snapshotservice"
	"github.com/containerd/containerd/v2/core/snapshots"
	"github.com/containerd/log"
	stargzfs "github.com/containerd/stargz-snapshotter/fs"
	"github.com/containerd/stargz-snapshotter/fusemanager"
	memorymetadata "github.com/containerd/stargz-snapshotter/metadata/memory"
	"github.com/containerd/stargz-snapshotter/service"
	"github.com/containerd/stargz-snapshotter/service/keychain/dockerconfig"
	snbase "github.com/containerd/stargz-snapshotter/snapshot"
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

	// The FUSE manager: its default socket and executable name, as with the upstream daemon.
	defaultFuseManagerAddress = "/run/containerd-stargz-grpc/fuse-manager.sock"
	fuseManagerName           = "stargz-fuse-manager"
	// The flag the library passes to the manager on every invocation (fusemanager.StartFuseManager's
	// `-action start` and the manager's re-execution of itself).
	fuseManagerStoreFlag = "fusestore-path"
)

// daemonConfig is the upstream daemon's config file: the library's service configuration at the top
// level, plus the keys the daemon itself reads.
type daemonConfig struct {
	service.Config

	MetricsAddress string            `toml:"metrics_address"`
	NoPrometheus   bool              `toml:"no_prometheus"`
	DebugAddress   string            `toml:"debug_address"`
	FuseManager    fuseManagerConfig `toml:"fuse_manager"`

	// Read only to refuse them (see unsupported).
	IPFS          bool   `toml:"ipfs"`
	MetadataStore string `toml:"metadata_store"`
}

// fuseManagerConfig is the upstream daemon's [fuse_manager] table.
type fuseManagerConfig struct {
	Enable bool `toml:"enable"`
	// Address is the manager's gRPC socket (default defaultFuseManagerAddress; must be absolute).
	Address string `toml:"address"`
	// Path is the manager's executable (default: fuseManagerName looked up in $PATH).
	Path string `toml:"path"`
	// MetricsAddress is where the manager serves /metrics (library v0.19 and later).
	MetricsAddress string `toml:"metrics_address"`
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

// refusedKeys names the configured features whose code only the upstream cmd module has. Both the
// snapshotter (from its config file) and the FUSE manager (from the config the snapshotter sends it)
// check them.
func refusedKeys(ipfs bool, metadataStore string, c *service.Config) []string {
	var refused []string
	if ipfs {
		refused = append(refused, "ipfs = true")
	}
	if metadataStore != "" && metadataStore != "memory" {
		refused = append(refused, fmt.Sprintf("metadata_store = %q", metadataStore))
	}
	if c.KubeconfigKeychainConfig.EnableKeychain {
		refused = append(refused, "kubeconfig_keychain.enable_keychain = true")
	}
	if c.CRIKeychainConfig.EnableKeychain {
		refused = append(refused, "cri_keychain.enable_keychain = true")
	}
	return refused
}

func refusal(refused []string) error {
	if len(refused) == 0 {
		return nil
	}
	return fmt.Errorf("not supported by the conformance suite's containerd-stargz-grpc build "+
		"(use the official release binary for these): %v", refused)
}

// unsupported names the configured features this wrapper does not provide.
func unsupported(cfg *daemonConfig) error {
	if err := refusal(refusedKeys(cfg.IPFS, cfg.MetadataStore, &cfg.Config)); err != nil {
		return err
	}
	// Not a gap of this wrapper: the library (and so the official release) of this version lacks it.
	if cfg.FuseManager.Enable && cfg.FuseManager.MetricsAddress != "" && !fuseManagerMetricsSupported() {
		return fmt.Errorf("fuse_manager.metrics_address = %q needs %s v0.19 or later, this build has %s",
			cfg.FuseManager.MetricsAddress, libraryModule, libraryVersion())
	}
	return nil
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

// fsOptions are the filesystem options of this wrapper, in the snapshotter process or, in FUSE
// manager mode, in the manager's: the upstream daemon's defaults with the memory metadata store.
func fsOptions() []stargzfs.Option {
	return []stargzfs.Option{
		stargzfs.WithMetricsLogLevel(log.InfoLevel),
		stargzfs.WithMetadataStore(memorymetadata.NewReader),
	}
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

// ---- FUSE manager mode, the snapshotter's side ----

// fuseManagerSettings is [fuse_manager] with the defaults applied.
type fuseManagerSettings struct {
	address        string
	executable     string
	metricsAddress string
}

// resolveFuseManager applies the upstream daemon's defaults and checks to [fuse_manager].
func resolveFuseManager(cfg *daemonConfig) (fuseManagerSettings, error) {
	fm := cfg.FuseManager
	s := fuseManagerSettings{address: fm.Address, executable: fm.Path}
	if s.address == "" {
		s.address = defaultFuseManagerAddress
	}
	if !filepath.IsAbs(s.address) {
		return s, fmt.Errorf("fuse_manager.address must be an absolute path: %q", s.address)
	}
	if s.executable == "" {
		p, err := exec.LookPath(fuseManagerName)
		if err != nil {
			return s, fmt.Errorf("fuse_manager.path is not set and %s is not in $PATH: %w", fuseManagerName, err)
		}
		s.executable = p
	}
	// As upstream: no_prometheus turns the manager's metrics off too.
	if !cfg.NoPrometheus {
		s.metricsAddress = fm.MetricsAddress
	}
	return s, nil
}

// The library's fusemanager.StartFuseManager gained a metrics address parameter in v0.19; this
// wrapper builds against both shapes.
type (
	startFuseManagerV018 = func(ctx context.Context, executable, address, fusestore, logLevel, logPath string) (bool, error)
	startFuseManagerV019 = func(ctx context.Context, executable, address, fusestore, logLevel, logPath, metricsAddr string) (bool, error)
)

func fuseManagerMetricsSupported() bool {
	_, ok := any(fusemanager.StartFuseManager).(startFuseManagerV019)
	return ok
}

// startFuseManager starts the manager unless one already owns the socket; newlyStarted says which.
func startFuseManager(ctx context.Context, s fuseManagerSettings, rootDir, logLevel string) (newlyStarted bool, err error) {
	fusestore := filepath.Join(rootDir, "fusestore.db")
	logPath := filepath.Join(rootDir, "stargz-fuse-manager.log")
	switch start := any(fusemanager.StartFuseManager).(type) {
	case startFuseManagerV019:
		return start(ctx, s.executable, s.address, fusestore, logLevel, logPath, s.metricsAddress)
	case startFuseManagerV018:
		if s.metricsAddress != "" {
			return false, fmt.Errorf("fuse_manager.metrics_address needs %s v0.19 or later", libraryModule)
		}
		return start(ctx, s.executable, s.address, fusestore, logLevel, logPath)
	default:
		return false, fmt.Errorf("this build does not know the library's fusemanager.StartFuseManager %T", start)
	}
}

// removeStaleFuseManagerSocket removes the manager's socket when it is left over from a manager that
// died without closing it (nothing accepts on it), with the mount record that manager kept, so that
// a new manager is started and the snapshotter restores every mount through it. The library would
// otherwise take the leftover socket for a running manager and fail to reach it, on every restart.
func removeStaleFuseManagerSocket(ctx context.Context, address, rootDir string) error {
	fi, err := os.Lstat(address)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.Mode().Type() != os.ModeSocket {
		return nil // not ours to remove: the library reports it
	}
	conn, err := net.Dial("unix", address)
	if err == nil {
		conn.Close()
		return nil
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		return nil
	}
	fusestore := filepath.Join(rootDir, "fusestore.db")
	log.G(ctx).WithField("address", address).WithField("fusestore", fusestore).
		Warn("no FUSE manager listens on its socket any more; removing the socket and the old manager's mount record and starting a new manager")
	if err := os.Remove(address); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.Remove(fusestore); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// fuseManagerSnapshotter starts or reconnects to the FUSE manager and returns a snapshotter whose
// filesystem is the manager.
func fuseManagerSnapshotter(ctx context.Context, cfg *daemonConfig, rootDir, logLevel string) (snapshots.Snapshotter, error) {
	s, err := resolveFuseManager(cfg)
	if err != nil {
		return nil, err
	}
	if err := removeStaleFuseManagerSocket(ctx, s.address, rootDir); err != nil {
		return nil, fmt.Errorf("fuse manager socket %q: %w", s.address, err)
	}
	newlyStarted, err := startFuseManager(ctx, s, rootDir, logLevel)
	if err != nil {
		return nil, fmt.Errorf("failed to start the FUSE manager %q: %w", s.executable, err)
	}
	l := log.G(ctx).WithField("fuse-manager-address", s.address).WithField("fuse-manager-path", s.executable)
	if newlyStarted {
		l.Info("started a new FUSE manager")
	} else {
		l.Info("reconnecting to the running FUSE manager")
	}
	metadataStore := cfg.MetadataStore
	if metadataStore == "" {
		metadataStore = "memory"
	}
	fs, err := fusemanager.NewManagerClient(ctx, rootDir, s.address, &fusemanager.Config{
		Config:        cfg.Config,
		IPFS:          cfg.IPFS,
		MetadataStore: metadataStore,
	})
	if err != nil {
		return nil, fmt.Errorf("failed to configure the FUSE manager at %q: %w", s.address, err)
	}
	opts := []snbase.Opt{snbase.AsynchronousRemove}
	if cfg.AllowInvalidMountsOnRestart {
		opts = append(opts, snbase.AllowInvalidMountsOnRestart)
	}
	// A manager that was already running still serves the snapshots' mounts: restoring them would
	// unmount them under the running containers.
	if !newlyStarted {
		opts = append(opts, snbase.NoRestore)
	}
	// The same directory as service.NewStargzSnapshotterService uses, so the mode can be switched.
	sn, err := snbase.NewSnapshotter(ctx, filepath.Join(rootDir, "snapshotter"), fs, opts...)
	if err != nil {
		return nil, fmt.Errorf("failed to create the snapshotter: %w", err)
	}
	l.WithField("restored", newlyStarted).Info("snapshotter in FUSE manager mode")
	return sn, nil
}

// ---- FUSE manager mode, the manager's side ----

// isFuseManager tells whether this process was invoked as the FUSE manager: under the manager's name,
// or with the flag the library passes to every manager invocation (which the snapshotter does not
// have), as happens when the manager re-executes itself through a symlink.
func isFuseManager(args []string) bool {
	if len(args) == 0 {
		return false
	}
	if filepath.Base(args[0]) == fuseManagerName {
		return true
	}
	for _, a := range args[1:] {
		if a == "--" {
			break
		}
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && name == fuseManagerStoreFlag {
			return true
		}
	}
	return false
}

// fuseManagerOptions is the manager's config function: what the snapshotter's Init request configures
// the manager's filesystem with, on top of the library's service.Config.
func fuseManagerOptions(cc *fusemanager.ConfigContext) ([]service.Option, error) {
	if err := refusal(refusedKeys(cc.Config.IPFS, cc.Config.MetadataStore, &cc.Config.Config)); err != nil {
		return nil, err
	}
	return []service.Option{
		service.WithCredsFuncs(dockerconfig.NewDockerconfigKeychain(cc.Ctx)),
		service.WithFilesystemOptions(fsOptions()...),
	}, nil
}

// runFuseManager is the manager's entry point: the library's, which reads its own flags, serves the
// manager's socket and exits the process on error.
func runFuseManager() {
	version.Version = libraryVersion()
	// The manager is not the unit's main process: systemd's readiness is the snapshotter's to report.
	_ = os.Unsetenv("NOTIFY_SOCKET")
	fusemanager.RegisterConfigFunc(fuseManagerOptions)
	fusemanager.Run()
}

// ---- the snapshotter ----

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

	var snapshotter snapshots.Snapshotter
	if cfg.FuseManager.Enable {
		snapshotter, err = fuseManagerSnapshotter(ctx, cfg, *rootDir, *logLevel)
		if err != nil {
			return err
		}
	} else {
		snapshotter, err = service.NewStargzSnapshotterService(ctx, *rootDir, &cfg.Config,
			service.WithCredsFuncs(dockerconfig.NewDockerconfigKeychain(ctx)),
			service.WithFilesystemOptions(fsOptions()...))
		if err != nil {
			return fmt.Errorf("failed to create the snapshotter: %w", err)
		}
	}
	// Closing unmounts every snapshot. Without the FUSE manager the mounts die with this process
	// anyway, so it always closes; with it, the manager keeps serving them and only SIGINT closes.
	closeOnExit := !cfg.FuseManager.Enable
	defer func() {
		if !closeOnExit {
			log.G(ctx).Info("leaving the snapshots mounted: the FUSE manager keeps serving them (SIGINT unmounts them)")
			return
		}
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
		closeOnExit = closeOnExit || s == syscall.SIGINT
	case err := <-errCh:
		return err
	}
	_ = notifySystemd("STOPPING=1")
	rpc.Stop()
	return nil
}

func main() {
	if isFuseManager(os.Args) {
		runFuseManager()
		return
	}
	if err := run(); err != nil {
		// JSON once --log-level was applied, like every other line of the daemon.
		log.L.WithError(err).Error("containerd-stargz-grpc failed")
		os.Exit(1)
	}
}
