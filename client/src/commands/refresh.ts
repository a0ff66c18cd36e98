/** After a method call that may change device state: the views showing that state read it again. */
import type { Ctx } from '../ctx';

export function afterDeviceChange(ctx: Ctx, targetId: string, className?: string): void {
  // The power state is shown by the Power row, the Devices view and the status bar (one store).
  void ctx.power.refresh(targetId).catch(() => undefined);
  ctx.classTree(targetId).refresh(className);
}
