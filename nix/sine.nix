# `sine` cross-built with cargo-zigbuild for the glibc 2.26 of Amazon Linux 2,
# linked against the libsndfile of nix/libsndfile.nix: the same build as
# `cargo xtask sine`.
{
  craneLib,
  src,
  pkg-config,
  cargo-zigbuild,
  zig,
  libsndfile-al2,
  arch,
}:
let
  args = {
    inherit src;
    strictDeps = true;
    pname = "sine-al2-${arch}";
    version = "0.1.0";
    cargoExtraArgs = "--locked --package sine";
    # Plain cargo (check, test) rejects the glibc suffix: build only.
    cargoBuildCommand = "cargoWithProfile zigbuild";
    cargoBuildExtraArgs = "--target ${arch}-unknown-linux-gnu.2.26";
    doCheck = false;
    nativeBuildInputs = [
      pkg-config
      cargo-zigbuild
      zig
    ];
    # pkg-config sees only the Amazon Linux build of libsndfile.
    PKG_CONFIG_LIBDIR = "${libsndfile-al2}/lib/pkgconfig";
    PKG_CONFIG_ALLOW_CROSS = "1";
    # As `cargo xtask sine` does: panic locations name /sine/... and
    # /crates/NAME-VERSION/..., not the build directory or the vendored
    # crates' store paths (which the audit would reject and allowedReferences
    # would catch), and are the same bytes as the ones `xtask sine` writes.
    preBuild = ''
      export HOME=$TMPDIR
      export ZIG_GLOBAL_CACHE_DIR=$TMPDIR/zig-global ZIG_LOCAL_CACHE_DIR=$TMPDIR/zig-local
      export XDG_CACHE_HOME=$TMPDIR/xdg
      RUSTFLAGS="--remap-path-prefix=$PWD=/sine"
      for registry in "$cargoVendorDir"/*/; do
        RUSTFLAGS="$RUSTFLAGS --remap-path-prefix=''${registry%/}=/crates"
      done
      export RUSTFLAGS
    '';
    # Leave the ELF as zig linked it: the bundle step sets the loader and
    # DT_RPATH, and a fixup would turn DT_RPATH into RUNPATH.
    dontPatchELF = true;
    dontStrip = true;
  };
in
# No buildDepsOnly: its `cargo check` would build for the host, and the
# zigbuild of the few dependencies is cheap.
craneLib.buildPackage (args // { cargoArtifacts = null; })
