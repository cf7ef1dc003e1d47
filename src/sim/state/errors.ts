// A failure with Proxmox's own message: the front-end prints it to stderr and exits 255.

export class SimError extends Error {
  constructor(
    message: string,
    readonly exitCode = 255,
  ) {
    super(message);
    this.name = 'SimError';
  }
}
