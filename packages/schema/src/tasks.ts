import { z } from 'zod';
import { idSchema, paginationSchema, timestampInputSchema, timestampSchema } from './common';
import { LIMITS } from './limits';

export const taskStatuses = ['todo', 'in-progress', 'done'] as const;
export const taskStatusSchema = z.enum(taskStatuses);
export type TaskStatus = z.infer<typeof taskStatusSchema>;

/** Listed from lowest to highest: sorting by priority uses this order. */
export const taskPriorities = ['low', 'medium', 'high'] as const;
export const taskPrioritySchema = z.enum(taskPriorities);
export type TaskPriority = z.infer<typeof taskPrioritySchema>;

export const taskTitleSchema = z.string().trim().min(1).max(LIMITS.taskTitleMax);
export const taskDescriptionSchema = z.string().trim().max(LIMITS.taskDescriptionMax);
export const expectedVersionSchema = z.number().int().min(1);

export const taskSchema = z.object({
  id: idSchema,
  projectId: idSchema,
  title: z.string(),
  description: z.string(),
  status: taskStatusSchema,
  priority: taskPrioritySchema,
  assigneeId: idSchema.nullable(),
  dueDate: timestampSchema.nullable(),
  /** Fractional-index key ordering the task within its status column (ties broken by id). */
  position: z.string(),
  version: z.number().int().min(1),
  createdById: idSchema.nullable(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type Task = z.infer<typeof taskSchema>;

/** Where a new task goes in its column; the board's quick-add box is at the top. */
export const taskPlacements = ['top', 'bottom'] as const;
export const taskPlacementSchema = z.enum(taskPlacements);
export type TaskPlacement = z.infer<typeof taskPlacementSchema>;

export const createTaskInputSchema = z.object({
  /**
   * A client-chosen id (a UUID), so a client knows its task before the answer arrives and
   * can send the create again safely: the same id twice in the same project is the same task
   * (answered as it is now, with the original event's id; no second row, no second event),
   * as long as the rest of the input is what it was first sent with. Otherwise, or if the id
   * belongs to a task elsewhere or to one that was deleted: `CONFLICT`. Absent: the server
   * chooses one.
   */
  id: idSchema
    .optional()
    .describe(
      'Client-chosen task id (UUID). Sending the same id again is idempotent: the answer is the task it created.',
    ),
  /** Absent: the task goes to the caller's Inbox project. */
  projectId: idSchema.optional(),
  title: taskTitleSchema,
  description: taskDescriptionSchema.default(''),
  status: taskStatusSchema.default('todo'),
  priority: taskPrioritySchema.default('medium'),
  assigneeId: idSchema.nullable().default(null),
  dueDate: timestampInputSchema.nullable().default(null),
  placement: taskPlacementSchema
    .default('bottom')
    .describe(
      'Where the new task goes in its column: "bottom" (default) after its last task, "top" before its first.',
    ),
});
export type CreateTaskInput = z.infer<typeof createTaskInputSchema>;

export const updateTaskInputSchema = z.object({
  id: idSchema,
  expectedVersion: expectedVersionSchema.optional(),
  title: taskTitleSchema.optional(),
  description: taskDescriptionSchema.optional(),
  /** A status change through update lands the task at the end of its new column. */
  status: taskStatusSchema.optional(),
  priority: taskPrioritySchema.optional(),
  assigneeId: idSchema.nullable().optional(),
  dueDate: timestampInputSchema.nullable().optional(),
});
export type UpdateTaskInput = z.infer<typeof updateTaskInputSchema>;

/**
 * Moves a task into `status`, between the named neighbours of that column. Both absent: the
 * end of the column. Only `afterId`: right after it. Only `beforeId`: right before it.
 */
export const moveTaskInputSchema = z.object({
  id: idSchema,
  status: taskStatusSchema,
  afterId: idSchema.nullable().optional(),
  beforeId: idSchema.nullable().optional(),
  expectedVersion: expectedVersionSchema.optional(),
});
export type MoveTaskInput = z.infer<typeof moveTaskInputSchema>;

export const taskRefInputSchema = z.object({
  id: idSchema,
  expectedVersion: expectedVersionSchema.optional(),
});
export type TaskRefInput = z.infer<typeof taskRefInputSchema>;

export const taskIdInputSchema = z.object({ id: idSchema });

export const taskSorts = ['position', 'createdAt', 'dueDate', 'priority'] as const;
export const taskSortSchema = z.enum(taskSorts);
export type TaskSort = z.infer<typeof taskSortSchema>;

export const sortOrderSchema = z.enum(['asc', 'desc']);
export type SortOrder = z.infer<typeof sortOrderSchema>;

export const listTasksInputSchema = z
  .object({
    projectId: idSchema.optional(),
    status: taskStatusSchema.optional(),
    priority: taskPrioritySchema.optional(),
    assigneeId: idSchema.optional(),
    search: z.string().trim().max(LIMITS.searchMax).optional(),
    sort: taskSortSchema.default('position'),
    order: sortOrderSchema.default('asc'),
    page: z.number().int().min(1).default(1),
    limit: z.number().int().min(1).max(LIMITS.pageLimitMax).default(LIMITS.pageLimitDefault),
  })
  // No input at all means every default (prefault, so the field defaults above apply).
  .prefault({});
export type ListTasksInput = z.infer<typeof listTasksInputSchema>;

export const taskListSchema = z.object({
  tasks: z.array(taskSchema),
  pagination: paginationSchema,
});
export type TaskList = z.infer<typeof taskListSchema>;
