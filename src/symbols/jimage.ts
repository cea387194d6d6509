// A reader of the JDK's runtime image, `lib/modules` (the jimage format of JDK 9+, version 1.0): a
// header, a hash-table index of locations (module, parent folder, base name, extension, offset, size)
// and the resources. The symbol index reads the class files of the image's own release from it, which
// ct.sym (./jdk.ts) does not carry. Only uncompressed resources are read (the JDK's own image is
// built without compression; a compressed one gives a message). Never throws.
import * as fs from 'node:fs';
import { TimeSlice } from './time-slice';

export interface ImageEntry {
  module: string;
  name: string; // inside the module: 'java/util/List.class'
  offset: number; // absolute, in the file
  size: number;
  compressed: boolean;
}

const MAGIC = 0xcafedada;
const HEADER_BYTES = 28;
const ATTR = { END: 0, MODULE: 1, PARENT: 2, BASE: 3, EXTENSION: 4, OFFSET: 5, COMPRESSED: 6, UNCOMPRESSED: 7 } as const;

export class JImage {
  private constructor(private readonly fd: number, readonly entries: ImageEntry[]) {}

  /** Opens an image and lists its entries (~0.1 s of CPU for the JDK's 30,000, given back to the event loop in slices); the caller closes it. */
  static async open(file: string, slice = new TimeSlice()): Promise<{ image?: JImage; error?: string }> {
    let fd: number | undefined;
    try {
      fd = fs.openSync(file, 'r');
      const header = Buffer.alloc(HEADER_BYTES);
      if (fs.readSync(fd, header, 0, HEADER_BYTES, 0) !== HEADER_BYTES) throw new Error('truncated header');
      // The image is written in the platform's byte order: the magic says which.
      const le = header.readUInt32LE(0) === MAGIC;
      if (!le && header.readUInt32BE(0) !== MAGIC) throw new Error('not a jimage file (no CAFEDADA magic)');
      const u4 = (b: Buffer, at: number): number => (le ? b.readUInt32LE(at) : b.readUInt32BE(at));
      const version = u4(header, 4);
      if (version >>> 16 !== 1) throw new Error(`jimage version ${version >>> 16}.${version & 0xffff} is not supported`);
      const tableLength = u4(header, 16);
      const locationsSize = u4(header, 20);
      const stringsSize = u4(header, 24);
      const indexSize = HEADER_BYTES + tableLength * 8 + locationsSize + stringsSize;
      const index = Buffer.alloc(indexSize - HEADER_BYTES);
      if (fs.readSync(fd, index, 0, index.length, HEADER_BYTES) !== index.length) throw new Error('truncated index');
      const offsetsAt = tableLength * 4;
      const locations = index.subarray(tableLength * 8, tableLength * 8 + locationsSize);
      const strings = index.subarray(tableLength * 8 + locationsSize);
      const str = (at: number): string => {
        const end = strings.indexOf(0, at);
        return strings.toString('utf8', at, end < 0 ? strings.length : end);
      };
      const entries: ImageEntry[] = [];
      for (let i = 0; i < tableLength; i++) {
        if (i % 256 === 0) await slice.pause();
        let p = u4(index, offsetsAt + i * 4);
        const attrs: number[] = [];
        while (p < locations.length) {
          const b = locations[p];
          const kind = b >>> 3;
          if (kind === ATTR.END) break;
          const len = (b & 7) + 1;
          let v = 0;
          for (let k = 1; k <= len; k++) v = v * 256 + locations[p + k];
          attrs[kind] = v;
          p += 1 + len;
        }
        const module = str(attrs[ATTR.MODULE] ?? 0);
        const parent = str(attrs[ATTR.PARENT] ?? 0);
        const ext = str(attrs[ATTR.EXTENSION] ?? 0);
        const name = `${parent ? parent + '/' : ''}${str(attrs[ATTR.BASE] ?? 0)}${ext ? '.' + ext : ''}`;
        entries.push({ module, name, offset: indexSize + (attrs[ATTR.OFFSET] ?? 0), size: attrs[ATTR.UNCOMPRESSED] ?? 0, compressed: (attrs[ATTR.COMPRESSED] ?? 0) > 0 });
      }
      return { image: new JImage(fd, entries) };
    } catch (e) {
      if (fd !== undefined) fs.closeSync(fd);
      return { error: `${file}: ${e instanceof Error ? e.message : String(e)}` };
    }
  }

  read(entry: ImageEntry): { data?: Buffer; error?: string } {
    if (entry.compressed) return { error: `/${entry.module}/${entry.name} is compressed, which this reader does not support` };
    try {
      const data = Buffer.alloc(entry.size);
      if (fs.readSync(this.fd, data, 0, entry.size, entry.offset) !== entry.size) return { error: `/${entry.module}/${entry.name}: truncated` };
      return { data };
    } catch (e) {
      return { error: `/${entry.module}/${entry.name}: ${e instanceof Error ? e.message : String(e)}` };
    }
  }

  close(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      /* already closed */
    }
  }
}
