# The reference `build/` layout (`cargo xtask bundle`), audited.
# allowedReferences = [ ] fails the build if any store path leaks into it.
{
  runCommand,
  patchelf,
  xtask,
  src,
  sine-al2,
  libsndfile-al2,
  arch,
}:
runCommand "sine-build-${arch}"
  {
    nativeBuildInputs = [
      patchelf
      xtask
    ];
    allowedReferences = [ ];
  }
  ''
    xtask bundle --sine ${sine-al2}/bin/sine --libsndfile ${libsndfile-al2} \
      --handler ${src}/lambda/lambda_function.py --arch ${arch} --out $out
    xtask audit $out --policy al2-${arch}
  ''
