# libsndfile 1.0.29, the version the reference program shipped, as a shared
# library for the glibc 2.26 of Amazon Linux 2: `cargo xtask libsndfile`
# (CMake with zig as the compiler, external codecs off, and 1.0.30's fix of
# the symbol version node). nixpkgs' libsndfile gives the homepage and
# licence; its autotools build with every codec is not what a Lambda bundle
# wants.
{
  lib,
  stdenvNoCC,
  fetchFromGitHub,
  libsndfile,
  cmake,
  gnumake,
  python3,
  zig,
  xtask,
  arch,
}:
let
  # The release `cargo xtask dist` builds too, pinned by the NAR hash of its tree.
  pin = lib.importJSON ../xtask/libsndfile-source.json;
in
stdenvNoCC.mkDerivation {
  pname = "libsndfile-al2-${arch}";
  inherit (pin) version;

  src = fetchFromGitHub {
    inherit (pin) owner repo;
    rev = pin.tag;
    hash = pin.narHash;
  };

  nativeBuildInputs = [
    cmake
    gnumake
    python3
    zig
    xtask
  ];

  dontConfigure = true;
  buildPhase = ''
    runHook preBuild
    export XTASK_TARGET_DIR=$TMPDIR/target
    xtask libsndfile --src . --arch ${arch} --out $TMPDIR/work --prefix $out
    runHook postBuild
  '';
  dontInstall = true;
  # The library is stripped already and carries no store path to patch.
  dontFixup = true;

  # nixpkgs' libsndfile says where it comes from and under which licence;
  # not its outputs (bin, man, ...), which this single-output build lacks.
  meta = {
    inherit (libsndfile.meta) homepage license;
    description = "libsndfile ${pin.version} for Amazon Linux 2 (${arch}, glibc 2.26)";
    platforms = lib.platforms.unix;
  };
}
