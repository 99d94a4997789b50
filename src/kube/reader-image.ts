// The reader pod's default image, in a module of its own so the flag table (src/cli/args.ts) can name it
// without loading the reader's code at start-up.
export const DEFAULT_READER_IMAGE = 'busybox:1.36';
