# libsndfile 1.0.29, the version the reference program shipped, as a shared
# library for the glibc 2.26 of Amazon Linux 2: `cargo xtask libsndfile`
# (CMake with zig as the compiler, external codecs off, and 1.0.30's fix of
# the symbol version node). nixpkgs' libsndfile gives the metadata; its
# autotools build with every codec is not what a Lambda bundle wants.
{
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
stdenvNoCC.mkDerivation {
  pname = "libsndfile-al2-${arch}";
  version = "1.0.29";

  src = fetchFromGitHub {
    owner = "libsndfile";
    repo = "libsndfile";
    rev = "v1.0.29";
    hash = "sha256-TAOxvDC/Z+VEZX4+bIivXAIr+A1rOKfkWI3r8/AJ1oI=";
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

  meta = libsndfile.meta // {
    description = "libsndfile 1.0.29 for Amazon Linux 2 (${arch}, glibc 2.26)";
  };
}
