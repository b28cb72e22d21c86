-- A run that never finished is closed as crashed, with the reason.
UPDATE etl_run SET outcome = 'crashed', finished_at = $finished_at, message = $message
WHERE run_key = $run_key AND outcome = 'running';
