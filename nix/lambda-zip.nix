# The Lambda deployment ZIP (`cargo xtask zip`): result/sine-lambda-ARCH.zip.
{
  runCommand,
  xtask,
  bundle,
  arch,
}:
runCommand "sine-lambda-${arch}"
  {
    nativeBuildInputs = [ xtask ];
    allowedReferences = [ ];
  }
  ''
    mkdir $out
    xtask zip ${bundle} --out $out/sine-lambda-${arch}.zip
    xtask audit $out/sine-lambda-${arch}.zip --policy al2-${arch}
  ''
