export { TasksContent } from './TasksContent';
export { EntityTasksCard } from './EntityTasksCard';
