// Minimal typings for the manifest parsers used by the packager tests (the packages ship none).
declare module 'm3u8-parser' {
  // biome-ignore lint/suspicious/noExplicitAny: parsed manifests are loosely shaped by nature
  type ParsedPlaylist = any;
  export class Parser {
    push(chunk: string): void;
    end(): void;
    manifest: ParsedPlaylist;
  }
}

declare module 'mpd-parser' {
  // biome-ignore lint/suspicious/noExplicitAny: parsed manifests are loosely shaped by nature
  type ParsedMpd = any;
  interface ParseOptions {
    manifestUri?: string;
    NOW?: number;
    clientOffset?: number;
  }
  export function parse(manifest: string, options?: ParseOptions): ParsedMpd;
}
