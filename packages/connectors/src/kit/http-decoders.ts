import { Transform, type TransformCallback } from 'node:stream';
import { constants, createBrotliDecompress, createGunzip, createInflate, createInflateRaw, type Inflate, type InflateRaw } from 'node:zlib';

const MAX_CODINGS = 5;
// Lenient like fetch (undici) and curl: a body cut short after a sync point still decodes.
const ZLIB = { flush: constants.Z_SYNC_FLUSH, finishFlush: constants.Z_SYNC_FLUSH };
const BROTLI = { flush: constants.BROTLI_OPERATION_FLUSH, finishFlush: constants.BROTLI_OPERATION_FLUSH };

/**
 * The decoders for a Content-Encoding, in the order the body goes through them, chosen as fetch
 * chose them: gzip / x-gzip, deflate and br; any other coding leaves the whole body undecoded.
 * Throws on more than 5 codings, as fetch did.
 */
export function contentDecoders(contentEncoding: string | undefined): Transform[] {
  if (contentEncoding === undefined) return [];
  const codings = contentEncoding.toLowerCase().split(',');
  if (codings.length > MAX_CODINGS) throw new Error(`too many content-encodings in response: ${codings.length}, maximum allowed is ${MAX_CODINGS}`);
  const decoders: Transform[] = [];
  for (let i = codings.length - 1; i >= 0; i--) {
    const coding = (codings[i] ?? '').trim();
    if (coding === 'gzip' || coding === 'x-gzip') decoders.push(createGunzip(ZLIB));
    else if (coding === 'deflate') decoders.push(new DeflateDecoder());
    else if (coding === 'br') decoders.push(createBrotliDecompress(BROTLI));
    else return [];
  }
  return decoders;
}

/**
 * "deflate" is zlib-wrapped by the standard, but some servers send raw deflate. The first byte
 * tells them apart (a zlib header has compression method 8 in its low nibble), as fetch does.
 */
class DeflateDecoder extends Transform {
  private inner: Inflate | InflateRaw | undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (!this.inner) {
      if (chunk.length === 0) return done();
      const inner = ((chunk[0] ?? 0) & 0x0f) === 8 ? createInflate(ZLIB) : createInflateRaw(ZLIB);
      inner.on('data', (data: Buffer) => this.push(data));
      inner.on('error', (error) => this.destroy(error));
      this.inner = inner;
    }
    this.inner.write(chunk, () => done());
  }

  override _flush(done: TransformCallback): void {
    if (!this.inner) return done();
    this.inner.once('end', () => done());
    this.inner.end();
  }

  override _destroy(error: Error | null, done: (error: Error | null) => void): void {
    this.inner?.destroy();
    done(error);
  }
}
