/** A consumed event the service refuses to apply, with the reason it is parked under. */
export class ParkedEvent extends Error {
  override readonly name = 'ParkedEvent';
  constructor(
    readonly reason: string,
    detail: string,
  ) {
    super(detail);
  }
}
