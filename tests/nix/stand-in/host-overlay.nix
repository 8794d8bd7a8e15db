# The leaf toolchains the harness takes from the build machine instead of
# building them: each is a store path of symlinks into the chroot's /usr
# (Debian trixie's packages), or a copy of rustup's Rust of
# rust-toolchain.toml from /opt/sine-host. The sandbox sees both directories
# (sandbox-paths). Everything else, crane, rust-overlay's lib, the fetchers
# and the project's nix/*.nix with its pinned zig, cargo-zigbuild and
# patchelf, is evaluated and built as on a user's machine.
final: prev:
let
  inherit (final) lib;
  hostDir = "/opt/sine-host";
  # host NAME FILES: $out/bin/<basename FILE> -> FILE, for each FILE.
  host =
    name: files:
    final.runCommandLocal "host-${name}" { } (
      ''
        mkdir -p $out/bin
      ''
      + lib.concatMapStrings (f: ''
        test -e ${f}
        ln -s ${f} $out/bin/
      '') files
    );
  usrBin = names: map (f: "/usr/bin/${f}") (lib.splitString " " names);
in
{
  # GNU tools (the native stdenv already runs on the machine's).
  coreutils = host "coreutils" (usrBin "arch b2sum base32 base64 basename basenc cat chcon chgrp chmod chown cksum comm cp csplit cut date dd df dir dircolors dirname du echo env expand expr factor false fmt fold groups head hostid id install join link ln logname ls md5sum mkdir mkfifo mknod mktemp mv nice nl nohup nproc numfmt od paste pathchk pinky pr printenv printf ptx pwd readlink realpath rm rmdir runcon seq sha1sum sha224sum sha256sum sha384sum sha512sum shred shuf sleep sort split stat stdbuf stty sum sync tac tail tee test timeout touch tr true truncate tsort tty uname unexpand uniq unlink users vdir wc who whoami yes");
  diffutils = host "diffutils" (usrBin "cmp diff diff3 sdiff");
  findutils = host "findutils" (usrBin "find xargs");
  gnused = host "gnused" (usrBin "sed");
  gnugrep = host "gnugrep" (usrBin "grep egrep fgrep");
  gawk = host "gawk" (usrBin "gawk awk");
  gnutar = host "gnutar" (usrBin "tar");
  gzip = host "gzip" (usrBin "gzip gunzip zcat");
  bzip2 = host "bzip2" (usrBin "bzip2 bunzip2 bzcat");
  bash = host "bash" (usrBin "bash sh");
  bashNonInteractive = final.bash;
  bashInteractive = final.bash;
  xz = host "xz" (usrBin "xz unxz xzcat");
  jq = host "jq" (usrBin "jq");
  # stdenv's own patchelf (fixup phases); the bundle step brings its own.
  patchelf = host "patchelf" (usrBin "patchelf");
  zstd = host "zstd" (usrBin "zstd unzstd zstdcat");
  rsync = host "rsync" (usrBin "rsync");
  gnumake = host "gnumake" (usrBin "make");
  cmake = host "cmake" (usrBin "cmake ctest cpack");
  python3 = host "python3" (usrBin "python3");
  pkg-config = host "pkg-config" (usrBin "pkg-config");
  file = host "file" (usrBin "file");
  unzip = host "unzip" (usrBin "unzip zipinfo");

  # fetchurl's curl and CA bundle (crates.io and PyPI downloads are real
  # fixed-output fetches; only the tool doing them is the machine's).
  curlMinimal = host "curl" (usrBin "curl");
  cacert = final.runCommandLocal "host-cacert" { } ''
    mkdir -p $out/etc/ssl/certs
    ln -s /etc/ssl/certs/ca-certificates.crt $out/etc/ssl/certs/ca-bundle.crt
  '';

  # Debian's libsndfile1-dev: headers, library and sndfile.pc are where the
  # machine's compiler and pkg-config look by default.
  libsndfile = host "libsndfile" [ ] // {
    inherit (prev.libsndfile) meta;
  };

  # The smoke check names glibc's loader.
  glibc = final.runCommandLocal "host-glibc" { } ''
    mkdir -p $out/lib $out/include
    ln -s /lib64/ld-linux-x86-64.so.2 $out/lib/
    ln -s /usr/include/iconv.h $out/include/
  '';

  # rust-overlay's toolchain would come from static.rust-lang.org: rustup's
  # copy of the same release serves instead, for the project and for the
  # rustPlatform that builds crane's crane-utils (without cargo-auditable,
  # which needs nixpkgs' own Rust). Copied into the store: crane's
  # reference-removal hook expects `rustc --print sysroot` there.
  host-rust =
    final.runCommandLocal "rust-host"
      {
        passthru = {
          targetPlatforms = lib.platforms.linux;
          badTargetPlatforms = [ ];
        };
      }
      ''
        mkdir $out
        cp -a ${hostDir}/rust/bin ${hostDir}/rust/lib $out/
        test ! -d ${hostDir}/rust/libexec || cp -a ${hostDir}/rust/libexec $out/
        $out/bin/rustc --print sysroot | grep -qx $out
      '';
  rust-bin = prev.rust-bin // {
    fromRustupToolchainFile = _: final.host-rust;
  };
  rustPlatform = final.makeRustPlatform {
    rustc = final.host-rust;
    cargo = final.host-rust;
    cargo-auditable = {
      meta.broken = true;
    };
  };
}
