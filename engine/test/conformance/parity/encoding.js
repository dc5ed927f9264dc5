// k6/encoding: base64 in its four encodings, to text or to bytes.
import { check } from "k6";
import encoding from "k6/encoding";

export default function () {
  check(null, {
    std: () => encoding.b64encode("hello?>") === "aGVsbG8/Pg==",
    rawstd: () => encoding.b64encode("hello?>", "rawstd") === "aGVsbG8/Pg",
    url: () => encoding.b64encode("hello?>", "url") === "aGVsbG8_Pg==",
    rawurl: () => encoding.b64encode("hello?>", "rawurl") === "aGVsbG8_Pg",
    "decode to text": () => encoding.b64decode("aGVsbG8/Pg==", "std", "s") === "hello?>",
    "decode to bytes": () => encoding.b64decode("aGVsbG8_Pg", "rawurl").byteLength === 7,
    "encode bytes": () => encoding.b64encode(new Uint8Array([1, 2, 3]).buffer) === "AQID",
  });
}
