/**
 * Reads a zip's entries back by its central directory, the way an unzipper finds them, and
 * each entry's bytes through its local header: enough to check a stored (uncompressed)
 * release archive without an unzip program.
 */

/** Each entry's name and stored bytes, in central directory order. */
export function zipEntries(zip: Uint8Array): { name: string; data: Uint8Array }[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const end = zip.length - 22;
  if (end < 0 || view.getUint32(end, true) !== 0x06054b50) {
    throw new Error("no end of central directory record at the end of the zip");
  }
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (view.getUint32(at, true) !== 0x02014b50) throw new Error(`central entry ${i} is corrupt`);
    const method = view.getUint16(at + 10, true);
    const size = view.getUint32(at + 20, true);
    const nameLength = view.getUint16(at + 28, true);
    const skip = nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    const name = new TextDecoder().decode(zip.subarray(at + 46, at + 46 + nameLength));
    if (method !== 0) throw new Error(`${name} is compressed (method ${method}), not stored`);
    if (view.getUint32(local, true) !== 0x04034b50) throw new Error(`${name}: no local header`);
    const dataAt = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    entries.push({ name, data: zip.subarray(dataAt, dataAt + size) });
    at += 46 + skip;
  }
  return entries;
}
