# zig and cargo-zigbuild at the versions .ci/requirements.txt pins for the
# path without Nix, from the same PyPI wheels (static binaries on Linux), so
# a Nix build compiles and links with exactly the tools `cargo xtask dist`
# uses, on Linux and on macOS alike.
{
  lib,
  stdenvNoCC,
  fetchurl,
  unzip,
}:
let
  system = stdenvNoCC.buildPlatform.system;
  wheels = {
    ziglang = {
      version = "0.17.1";
      x86_64-linux = {
        url = "https://files.pythonhosted.org/packages/59/e3/2a34676370a11c36b7cd04ffb2439c1089c0530cf4b01408c77cf7f8d9c3/ziglang-0.17.1-py3-none-manylinux_2_12_x86_64.manylinux2010_x86_64.musllinux_1_1_x86_64.whl";
        sha256 = "ea6cc5d87b033cf0aedfbc8f9549a908cae6c50ac31f1698188fa48a74524b54";
      };
      aarch64-linux = {
        url = "https://files.pythonhosted.org/packages/91/72/bb7c4f098ba3e535fa2ebefd9f26327ba63fb0672562959255cb5dd37aff/ziglang-0.17.1-py3-none-manylinux_2_17_aarch64.manylinux2014_aarch64.musllinux_1_1_aarch64.whl";
        sha256 = "b7c5f02fccd40f89b999ee16a1f5ddced56e6182370f8affe494bcf8a28cf07e";
      };
      x86_64-darwin = {
        url = "https://files.pythonhosted.org/packages/17/f6/f4dfc8cf0e510980fda251a8edf99823b9446f5d7a2a6a24801e55e09c28/ziglang-0.17.1-py3-none-macosx_13_0_x86_64.whl";
        sha256 = "4e0b4b9c02b8d0d220e9948010f860b62ff11d96abb39762eca5fa2ef3f7bc97";
      };
      aarch64-darwin = {
        url = "https://files.pythonhosted.org/packages/ea/e1/4a9a97324fcf2d292c14a2e0121ea0df86c01d0c307ea24fa35aebaccd15/ziglang-0.17.1-py3-none-macosx_13_0_arm64.whl";
        sha256 = "09953b6af7f64168b915180a42774f520f92d86ef6331b28e33915c7e1f0bb23";
      };
    };
    cargo-zigbuild = rec {
      version = "0.24.1";
      x86_64-linux = {
        url = "https://files.pythonhosted.org/packages/19/bd/5476661915fd4fb8bc6eb439ac2c3682a6454cfd3efb0365832e02897556/cargo_zigbuild-0.24.1-py3-none-manylinux1_x86_64.manylinux_2_5_x86_64.whl";
        sha256 = "238a1ab54a95053a4eadc34775c81f795a8ad75f80bfed63f3f445f518102375";
      };
      aarch64-linux = {
        url = "https://files.pythonhosted.org/packages/98/74/69f6f26cb6ba003c3946940afe69828354a8c78781b74651b550851f58e3/cargo_zigbuild-0.24.1-py3-none-manylinux2014_aarch64.manylinux_2_17_aarch64.whl";
        sha256 = "07c5e3dcddf208500462ec927c556bb306cca2b533b0abe29446bffb63767b85";
      };
      # One universal2 wheel serves both Macs.
      x86_64-darwin = {
        url = "https://files.pythonhosted.org/packages/49/2e/a29ea1d3da84e9a41fc29cc23d4b66bb88968853255cfe2ba218c86186b4/cargo_zigbuild-0.24.1-py3-none-macosx_10_12_universal2.macosx_10_12_x86_64.macosx_11_0_arm64.whl";
        sha256 = "7b832d824bbf852b9a99b02a0dfa2166a00462fc237c2387d15a67c385755795";
      };
      aarch64-darwin = x86_64-darwin;
    };
  };

  # wheel NAME INSTALL: the wheel of NAME for this build system, unpacked
  # and installed by the shell snippet INSTALL.
  wheel =
    name: install:
    let
      pin = wheels.${name};
    in
    stdenvNoCC.mkDerivation {
      pname = "${name}-wheel";
      inherit (pin) version;
      src = fetchurl (pin.${system} or (throw "no ${name} ${pin.version} wheel for ${system}"));
      nativeBuildInputs = [ unzip ];
      unpackPhase = ''
        unzip -q $src
      '';
      installPhase = install;
      # Binaries as PyPI ships them: nothing to patch or strip.
      dontFixup = true;
      meta = {
        description = "${name} ${pin.version} from its PyPI wheel";
        platforms = builtins.attrNames (builtins.removeAttrs pin [ "version" ]);
      };
    };
in
{
  zig = wheel "ziglang" ''
    mkdir -p $out/lib $out/bin
    cp -r ziglang $out/lib/
    chmod +x $out/lib/ziglang/zig
    # zig finds its lib/ beside its real path.
    ln -s ../lib/ziglang/zig $out/bin/zig
  '';
  cargo-zigbuild = wheel "cargo-zigbuild" ''
    install -D -m 0755 cargo_zigbuild-*.data/scripts/cargo-zigbuild $out/bin/cargo-zigbuild
  '';
}
