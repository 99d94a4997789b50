// Draws a ScreenModel: the visible window of its lines with a selection gutter, then its pinned lines.
import { Box, Text } from 'ink';
import type { Line } from '../format.js';
import { viewport, type ScreenModel } from './model.js';

export function LineView({
  line,
  color,
  selected = false,
  gutter = true,
}: {
  line: Line;
  color: boolean;
  selected?: boolean;
  gutter?: boolean;
}) {
  return (
    <Text wrap="truncate-end" bold={selected || undefined} inverse={(selected && color) || undefined}>
      {gutter ? (selected ? '› ' : '  ') : ''}
      {line.length === 0
        ? ' '
        : line.map((s, i) => (
            <Text
              key={i}
              color={color ? s.color : undefined}
              bold={s.bold || undefined}
              dimColor={(s.dim && !selected) || undefined}
            >
              {s.text}
            </Text>
          ))}
    </Text>
  );
}

export interface ScreenViewProps {
  model: ScreenModel;
  height: number;
  selected: number;
  color: boolean;
}

export function ScreenView({ model, height, selected, color }: ScreenViewProps) {
  const vp = viewport(model, height, selected);
  const visible = model.lines.slice(vp.offset, vp.offset + vp.size);
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Box flexDirection="column" height={vp.size} overflow="hidden">
        {visible.map((l, i) => (
          <LineView key={vp.offset + i} line={l} color={color} selected={vp.cursor === vp.offset + i} />
        ))}
      </Box>
      {(model.pinned ?? []).map((l, i) => (
        <LineView key={`p${i}`} line={l} color={color} />
      ))}
    </Box>
  );
}
