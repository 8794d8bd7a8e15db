# Wires the build together for one build system. Every step is a
# `cargo xtask` subcommand (tested in CI without Nix); Nix pins the inputs
# and runs each step in its own derivation.
{
  lib,
  pkgs,
  crane,
  stdenv,
  libsndfile,
  pkg-config,
  cmake,
  gnumake,
  python3,
  file,
  unzip,
  runCommand,
}:
let
  craneLib = (crane.mkLib pkgs).overrideToolchain (
    p: p.rust-bin.fromRustupToolchainFile ../rust-toolchain.toml
  );

  src = lib.fileset.toSource {
    root = ../.;
    fileset = lib.fileset.unions [
      (craneLib.fileset.commonCargoSources ../.)
      # Data the xtask binary embeds: the pinned libsndfile, the audit's glibc.
      ../xtask/libsndfile-source.json
      (lib.fileset.fileFilter (file: file.hasExt "txt") ../xtask/policy)
      ../tests/lambda-smoke.sh
      ../lambda/lambda_function.py
    ];
  };

  # The host build: `sine` against nixpkgs' libsndfile, and the xtask tool.
  commonArgs = {
    inherit src;
    strictDeps = true;
    pname = "sine-workspace";
    version = "0.1.0";
    nativeBuildInputs = [ pkg-config ];
    buildInputs = [ libsndfile ];
  };
  cargoArtifacts = craneLib.buildDepsOnly commonArgs;
  crate =
    package:
    craneLib.buildPackage (
      commonArgs
      // {
        inherit cargoArtifacts;
        pname = package;
        cargoExtraArgs = "--locked --package ${package}";
        doCheck = false;
      }
    );
  sine = crate "sine";
  xtask = crate "xtask";

  arches = [
    "x86_64"
    "aarch64"
  ];
  perArch = f: lib.genAttrs arches f;

  # The toolchain of `cargo xtask dist`, pinned alike: zig and
  # cargo-zigbuild from their PyPI wheels, patchelf 0.17.2 from its source.
  inherit (pkgs.callPackage ./pypi-tools.nix { }) zig cargo-zigbuild;
  patchelf-pinned = pkgs.callPackage ./patchelf.nix { };

  libsndfile-al2 = perArch (
    arch:
    pkgs.callPackage ./libsndfile.nix {
      inherit xtask arch zig;
    }
  );
  sine-al2 = perArch (
    arch:
    pkgs.callPackage ./sine.nix {
      inherit
        craneLib
        src
        arch
        zig
        cargo-zigbuild
        ;
      libsndfile-al2 = libsndfile-al2.${arch};
    }
  );
  bundle = perArch (
    arch:
    pkgs.callPackage ./bundle.nix {
      inherit xtask src arch;
      patchelf = patchelf-pinned;
      sine-al2 = sine-al2.${arch};
      libsndfile-al2 = libsndfile-al2.${arch};
    }
  );
  lambda-zip = perArch (
    arch:
    pkgs.callPackage ./lambda-zip.nix {
      inherit xtask arch;
      bundle = bundle.${arch};
    }
  );

  # Checks that run on any build system, macOS included: nothing in them
  # executes a Linux program.
  portableChecks = {
    inherit sine xtask;
    sine-clippy = craneLib.cargoClippy (
      commonArgs
      // {
        inherit cargoArtifacts;
        cargoClippyExtraArgs = "--workspace --all-targets -- -D warnings";
      }
    );
    sine-fmt = craneLib.cargoFmt { inherit src; };
    zip-reproducible = runCommand "sine-zip-reproducible" { nativeBuildInputs = [ xtask ]; } ''
      xtask zip ${bundle.x86_64} --out again.zip
      cmp again.zip ${lambda-zip.x86_64}/sine-lambda-x86_64.zip
      touch $out
    '';
  }
  // lib.mapAttrs' (
    arch: zip:
    lib.nameValuePair "audit-${arch}" (
      runCommand "sine-audit-${arch}" { nativeBuildInputs = [ xtask ]; } ''
        xtask audit ${zip}/sine-lambda-${arch}.zip --policy al2-${arch}
        touch $out
      ''
    )
  ) lambda-zip;

  # Checks that run Linux programs: the tests of sine (its paths, devices and
  # mounts are Linux's) and the bundle of the build machine's architecture.
  native = stdenv.hostPlatform.parsed.cpu.name;
  linuxChecks = {
    # The bundle tests need Debian's libsndfile and the dist tree: CI runs them.
    sine-tests = craneLib.cargoTest (
      commonArgs
      // {
        inherit cargoArtifacts;
        cargoTestExtraArgs = "--package sine --package wavcheck";
        # The sandbox can neither mount nor chown: those tests run in CI.
        SINE_TEST_ALLOW_SKIP = "1";
      }
    );
    # Run as Lambda runs it; the sandbox has no /lib64, so glibc's loader
    # is named explicitly.
    smoke = runCommand "sine-smoke-${native}" { nativeBuildInputs = [ file unzip ]; } ''
      unzip -q ${lambda-zip.${native}}/sine-lambda-${native}.zip -d task
      SMOKE_RUNNER=${pkgs.glibc}/lib/${
        if native == "x86_64" then "ld-linux-x86-64.so.2" else "ld-linux-aarch64.so.1"
      } sh ${src}/tests/lambda-smoke.sh task $TMPDIR/2600.wav
      touch $out
    '';
  };

  checks = portableChecks // lib.optionalAttrs stdenv.hostPlatform.isLinux linuxChecks;
in
{
  inherit
    sine
    xtask
    libsndfile-al2
    checks
    ;
  build = bundle.x86_64;
  build-aarch64 = bundle.aarch64;
  lambda-zip = lambda-zip.x86_64;
  lambda-zip-aarch64 = lambda-zip.aarch64;
  devShell =
    flakeChecks:
    craneLib.devShell {
      checks = flakeChecks;
      packages = [
        zig
        cargo-zigbuild
        patchelf-pinned
        cmake
        gnumake
        pkg-config
        python3
        libsndfile
        file
        unzip
      ];
    };
}
